import type { ConnectionOptions } from 'bullmq';
import { AppConfig } from '@tenantry/config';

/**
 * Every BullMQ key starts with `{<REDIS_KEY_PREFIX>}`: the hash tag keeps a queue's keys in one
 * Redis Cluster slot, and the prefix keeps deployments (and test runs) apart.
 */
export const bullPrefix = (config: AppConfig): string => `{${config.get('REDIS_KEY_PREFIX')}}`;

/** Workers block on Redis and must retry forever; producers should fail fast instead. */
export function bullConnection(config: AppConfig, role: 'producer' | 'worker'): ConnectionOptions {
  const url = new URL(config.get('REDIS_URL'));
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2000,
  };
}
