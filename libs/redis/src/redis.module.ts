import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';

export const REDIS = Symbol('REDIS');

export const REDIS_START_HINT =
  'start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or set REDIS_URL)';

/** A client that keeps reconnecting and says plainly, once per outage, that Redis is down. */
export function createRedisClient(url: string, logger = new Logger('Redis')): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let isDown = false;
  client.on('error', (error: Error) => {
    if (isDown) return;
    isDown = true;
    logger.error(`Redis is not reachable at ${url.replace(/\/\/[^@]*@/, '//***@')} (${error.message}); ${REDIS_START_HINT}`);
  });
  client.on('ready', () => {
    if (isDown) logger.log('Redis is reachable again');
    isDown = false;
  });
  return client;
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // quit() waits for a reply, which never comes while Redis is down.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The shared Redis client. Keys start with REDIS_KEY_PREFIX; tenant keys then `t:{tenantId}:`. */
@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [AppConfig], useFactory: (config: AppConfig) => createRedisClient(config.get('REDIS_URL')) },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
