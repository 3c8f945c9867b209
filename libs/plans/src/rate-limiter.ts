import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { rateLimitFailOpen } from '@tenantry/metrics';
import { REDIS } from '@tenantry/redis';

/**
 * A token bucket in one atomic round trip (EVALSHA): `capacity` tokens (the burst), refilled at
 * `perMinute` per minute, clocked by Redis's own TIME so every API process agrees.
 * Returns {allowed, tokens left, ms until full, ms until the next token}.
 */
const TOKEN_BUCKET = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
local to_full = math.ceil((capacity - tokens) / per_ms)
redis.call('PEXPIRE', KEYS[1], to_full + 1000)
local to_next = 0
if tokens < 1 then to_next = math.ceil((1 - tokens) / per_ms) end
return {allowed, math.floor(tokens), to_full, to_next}
`;

export interface RateLimitDecision {
  isAllowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
  /** True when Redis could not answer and the request was let through. */
  isFailOpen: boolean;
}

/**
 * Per-tenant request rate limits. When Redis is unreachable the limiter fails open, says so in
 * the log, and counts the requests it let through; after RATE_LIMIT_FAIL_OPEN_SECONDS of outage
 * it stops failing open and answers 503, so an outage cannot become unlimited load for long.
 */
@Injectable()
export class TenantRateLimiter {
  private readonly logger = new Logger(TenantRateLimiter.name);
  private outageSince: number | undefined;
  failOpenCount = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.redis.defineCommand('tenantryTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
  }

  async consume(tenantId: string, perMinute: number, burst: number): Promise<RateLimitDecision> {
    const capacity = Math.max(1, burst);
    const key = `${this.config.get('REDIS_KEY_PREFIX')}:t:{${tenantId}}:rate`;
    try {
      const [allowed, tokens, toFullMs, toNextMs] = await this.withTimeout(
        (this.redis as Redis & { tenantryTokenBucket(key: string, capacity: number, perMinute: number): Promise<number[]> }).tenantryTokenBucket(
          key,
          capacity,
          perMinute,
        ),
      );
      if (this.outageSince !== undefined) this.logger.log('rate limiting is back: Redis answers again');
      this.outageSince = undefined;
      return {
        isAllowed: allowed === 1,
        limit: capacity,
        remaining: tokens!,
        resetSeconds: Math.ceil(toFullMs! / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil(toNextMs! / 1000)),
        isFailOpen: false,
      };
    } catch (error) {
      return this.failOpen(error, capacity);
    }
  }

  /** Whether the limiter has been failing open for longer than allowed. */
  get isFailOpenExhausted(): boolean {
    return this.outageSince !== undefined && Date.now() - this.outageSince > this.config.get('RATE_LIMIT_FAIL_OPEN_SECONDS') * 1000;
  }

  private failOpen(error: unknown, capacity: number): RateLimitDecision {
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.logger.error(`rate limiting fails open: Redis did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    this.failOpenCount += 1;
    rateLimitFailOpen.inc();
    return { isAllowed: true, limit: capacity, remaining: capacity, resetSeconds: 0, retryAfterSeconds: 1, isFailOpen: true };
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis took longer than 100 ms')), 100);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
