import { ForbiddenException, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { TenantTransaction } from '@tenantry/tenancy';
import { EffectiveConfigService } from './effective-config.service';
import { LIMIT } from './config-names';

/** Limits on how many of a thing a tenant may have at once (not per period). */
export type CountedMetric = typeof LIMIT.SEATS | typeof LIMIT.PROJECTS | typeof LIMIT.WEBHOOK_ENDPOINTS;

export class QuotaExceededException extends ForbiddenException {
  constructor(metric: CountedMetric, limit: number, plan: string) {
    super(`quota_exceeded: the ${plan} plan allows ${limit} ${metric}`);
  }
}

/**
 * Checks a counted limit inside the tenant transaction. A transaction-scoped advisory lock keyed
 * by (tenant, metric) serialises concurrent creates of one tenant, so the count the check reads
 * includes every create committed before it: 50 concurrent creates against a limit of 10 end with
 * 10 rows, never 11. Other tenants, and other metrics, never wait on the lock. Deleting a row frees
 * its slot because the count is of the rows themselves. Answer: 403 quota_exceeded (waiting does
 * not free a slot, so a 429 with Retry-After would mislead).
 */
@Injectable()
export class CountedLimits {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly effectiveConfig: EffectiveConfigService,
  ) {}

  async assertAvailable(metric: CountedMetric, countUsed: () => Promise<number>): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    const config = await this.effectiveConfig.current();
    const limit = config.limits[metric];
    if (limit === undefined) return;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:${metric}`}, 0))`);
    if ((await countUsed()) >= limit) throw new QuotaExceededException(metric, limit, config.plan);
  }
}
