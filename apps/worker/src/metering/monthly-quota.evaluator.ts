import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { Plan, TenantConfigOverrides } from '@tenantry/db';
import { API_CALLS_METRIC, Clock, CLOCK, monthPeriod, OverQuotaFlags } from '@tenantry/metering';
import { LIMIT, mergeEffectiveConfig } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';

/**
 * A batch can come back for at most a day (its retries, see USAGE_BATCH_JOB_OPTIONS), so ledger
 * rows older than three days can never stop a replay; keeping them longer only grows the table.
 */
const LEDGER_RETENTION_DAYS = 3;
const LEDGER_DELETE_BATCH = 5000;

/**
 * The periodic half of monthly quotas (the rollup path marks tenants as soon as a batch takes them
 * over): reads every tenant's API calls this month against its effective `api_calls_per_month`,
 * marks those at or over it until the month ends, and clears the flag of the others, so raising a
 * limit or changing plan lifts the block within one evaluation. Cross-tenant, so the system role.
 */
@Injectable()
export class MonthlyQuotaEvaluator {
  private readonly logger = new Logger(MonthlyQuotaEvaluator.name);

  constructor(
    private readonly system: SystemTransaction,
    private readonly flags: OverQuotaFlags,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async evaluate(): Promise<{ tenants: number; overQuota: number }> {
    const period = monthPeriod(this.clock.now());
    // Flags set after this instant (by a batch that committed meanwhile) are newer than what we read.
    const readAt = Date.now();
    const rows = await this.system.run((tx) =>
      tx.execute<{
        id: string;
        config: TenantConfigOverrides;
        plan: Pick<Plan, 'key' | 'features' | 'limits'>;
        used: string | null;
      }>(sql`
      select t.id, t.config, jsonb_build_object('key', p.key, 'features', p.features, 'limits', p.limits) as plan, u.value as used
      from tenants t
      join plans p on p.key = t.plan
      left join usage_rollups u on u.tenant_id = t.id and u.metric = ${API_CALLS_METRIC} and u.granularity = 'month'
        and u.bucket_start = ${new Date(period.start).toISOString()}::timestamptz
      where t.status <> 'deleted'`),
    );
    const overQuota: { tenantId: string; resetsAt: number }[] = [];
    const withinQuota: string[] = [];
    for (const row of rows) {
      const quota = mergeEffectiveConfig(row.plan, row.config).limits[LIMIT.API_CALLS_PER_MONTH];
      if (quota !== undefined && Number(row.used ?? 0) >= quota) overQuota.push({ tenantId: row.id, resetsAt: period.end });
      else withinQuota.push(row.id);
    }
    await this.flags.apply(overQuota, withinQuota, readAt);
    return { tenants: rows.length, overQuota: overQuota.length };
  }

  /** Deletes ledger rows of batches applied more than LEDGER_RETENTION_DAYS ago, in bounded statements. */
  async pruneLedger(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await this.system.run((tx) => tx.execute(sql`
        delete from usage_batches where ctid = any(array(
          select ctid from usage_batches where applied_at < now() - make_interval(days => ${LEDGER_RETENTION_DAYS})
          limit ${LEDGER_DELETE_BATCH}))`));
      deleted += result.count;
      if (result.count < LEDGER_DELETE_BATCH) break;
    }
    if (deleted > 0) this.logger.log(`removed ${deleted} usage ledger rows older than ${LEDGER_RETENTION_DAYS} days`);
    return deleted;
  }
}
