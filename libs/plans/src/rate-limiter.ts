import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { rateLimitFailOpen } from '@tenantry/metrics';
import { overQuotaKey, overQuotaResetsAt } from '@tenantry/metering';
import { REDIS, withTimeout } from '@tenantry/redis';
import { TENANT_ACCESS_VERSION_TTL_MS, tenantAccessVersionKey } from '@tenantry/tenancy';

/**
 * A token bucket in one atomic round trip (EVALSHA): `capacity` tokens (the burst), refilled at
 * `perMinute` per minute, clocked by Redis's own TIME so every API process agrees. A capacity of 0
 * means no rate limit. The same call reads the tenant's over-quota flag (KEYS[2], same hash slot),
 * so the monthly quota costs no round trip of its own, and the tenant's access version (KEYS[3]),
 * so the per-request tenant and user check can be skipped while it is unchanged (TenantAccessCache).
 * A missing version is created with a value never handed out before (this process's nonce,
 * ARGV[3], and Redis's clock), so a Redis that lost its keys makes every process check again.
 * Returns {allowed, tokens left, ms until full, ms until the next token, over-quota-until or nil,
 * access version}.
 */
const TOKEN_BUCKET = `
local over_quota = redis.call('GET', KEYS[2])
local t = redis.call('TIME')
local access = redis.call('GET', KEYS[3])
if not access then
  access = ARGV[3] .. ':' .. t[1] .. '.' .. t[2]
  redis.call('SET', KEYS[3], access, 'PX', ARGV[4])
end
local capacity = tonumber(ARGV[1])
if capacity <= 0 then return {1, 0, 0, 0, over_quota, access} end
local per_ms = tonumber(ARGV[2]) / 60000
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
return {allowed, math.floor(tokens), to_full, to_next, over_quota, access}
`;

export interface RateLimitDecision {
  isAllowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
  /** True when Redis could not answer and the request was let through. */
  isFailOpen: boolean;
  /** Whether a rate limit applies at all (the plan has `requests_per_minute`). */
  isLimited: boolean;
  /** Epoch ms until which the tenant's over-quota flag says it is over its monthly API calls. */
  overQuotaUntil?: number;
  /** The tenant's access version (tenantAccessVersionKey); unset when Redis did not answer. */
  accessVersion?: string;
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
  /** Makes the access versions this process creates unlike any created before or elsewhere. */
  private readonly accessNonce = randomUUID();
  failOpenCount = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.redis.defineCommand('tenantryTokenBucket', { numberOfKeys: 3, lua: TOKEN_BUCKET });
  }

  /** Spends a token (`perMinute` undefined: no rate limit), reads the tenant's over-quota flag and its access version. */
  async consume(tenantId: string, perMinute: number | undefined, burst: number): Promise<RateLimitDecision> {
    const capacity = perMinute === undefined ? 0 : Math.max(1, burst);
    const prefix = this.config.get('REDIS_KEY_PREFIX');
    try {
      const [allowed, tokens, toFullMs, toNextMs, overQuota, accessVersion] = await withTimeout(
        (this.redis as Redis & { tenantryTokenBucket(...args: (string | number)[]): Promise<[number, number, number, number, string | null, string]> }).tenantryTokenBucket(
          `${prefix}:t:{${tenantId}}:rate`,
          overQuotaKey(prefix, tenantId),
          tenantAccessVersionKey(prefix, tenantId),
          capacity,
          perMinute ?? 0,
          this.accessNonce,
          TENANT_ACCESS_VERSION_TTL_MS,
        ),
        100,
        'Redis',
      );
      if (this.outageSince !== undefined) this.logger.log('rate limiting is back: Redis answers again');
      this.outageSince = undefined;
      const overQuotaUntil = overQuotaResetsAt(overQuota);
      return {
        isAllowed: allowed === 1,
        limit: capacity,
        remaining: tokens,
        resetSeconds: Math.ceil(toFullMs / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil(toNextMs / 1000)),
        isFailOpen: false,
        isLimited: capacity > 0,
        accessVersion,
        ...(Number.isFinite(overQuotaUntil) ? { overQuotaUntil } : {}),
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
    return { isAllowed: true, limit: capacity, remaining: capacity, resetSeconds: 0, retryAfterSeconds: 1, isFailOpen: true, isLimited: capacity > 0 };
  }
}
