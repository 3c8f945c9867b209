import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';
import { Clock, CLOCK } from './clock';

export const API_CALLS_METRIC = 'api_calls';

/**
 * The flag that says "this tenant is over its monthly API calls until <resetsAt>". Its value is
 * `<resetsAt>:<setAt>` (epoch ms): the reset instant is compared with the reader's clock, so the flag
 * stops biting at the reset even before anything deletes it; the set time lets the periodic
 * evaluation leave alone a flag a batch set after the evaluation read its snapshot. The
 * `{tenantId}` hash tag puts it in the rate bucket's slot.
 */
export const overQuotaKey = (prefix: string, tenantId: string) => `${prefix}:t:{${tenantId}}:quota:${API_CALLS_METRIC}`;

/** The reset instant a flag's value names (NaN for a value that is not a flag). */
export const overQuotaResetsAt = (value: string | null): number => (value === null ? NaN : Number(value.split(':', 1)[0]));

/** Deletes the flag only when it was set before ARGV[1] (epoch ms). */
const CLEAR_IF_OLDER = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local set_at = tonumber(string.match(value, ':(%d+)$'))
if set_at == nil or set_at < tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Sets and clears over-quota flags (the worker); the API reads them with its rate-limit script. */
@Injectable()
export class OverQuotaFlags {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.redis.defineCommand('tenantryClearIfOlder', { numberOfKeys: 1, lua: CLEAR_IF_OLDER });
  }

  /**
   * Marks these tenants over quota until their period resets, and clears the flags of `withinQuota`
   * that were set before `readAt` (when the caller read the usage it judged them by).
   */
  async apply(overQuota: { tenantId: string; resetsAt: number }[], withinQuota: string[] = [], readAt = Date.now()): Promise<void> {
    if (overQuota.length === 0 && withinQuota.length === 0) return;
    const prefix = this.config.get('REDIS_KEY_PREFIX');
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & { tenantryClearIfOlder(key: string, before: number): unknown };
    for (const { tenantId, resetsAt } of overQuota) {
      // Expire a minute after the reset: the value already stops biting at the reset itself.
      const ttl = Math.max(1000, resetsAt - this.clock.now()) + 60_000;
      pipeline.set(overQuotaKey(prefix, tenantId), `${resetsAt}:${Date.now()}`, 'PX', ttl);
    }
    for (const tenantId of withinQuota) pipeline.tenantryClearIfOlder(overQuotaKey(prefix, tenantId), readAt);
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error);
    if (failure) throw failure[0];
  }

  /** Epoch ms until which the tenant is over quota, or undefined. */
  async overQuotaUntil(tenantId: string): Promise<number | undefined> {
    const until = overQuotaResetsAt(await this.redis.get(overQuotaKey(this.config.get('REDIS_KEY_PREFIX'), tenantId)));
    return Number.isFinite(until) && until > this.clock.now() ? until : undefined;
  }
}
