import { Inject, Injectable } from '@nestjs/common';
import { APP_DATABASE, DatabaseHandle, Plan, TenantConfigOverrides } from '@tenantry/db';
import { API_CALLS_METRIC, TenantRollup } from '@tenantry/metering';
import { LIMIT, mergeEffectiveConfig } from '@tenantry/plans';
import { setTenantScope } from '@tenantry/tenancy';

export interface AppliedTenantRollup {
  tenantId: string;
  /** False when this tenant's part of the batch was applied before (a replay) or the tenant is gone. */
  isApplied: boolean;
  isKnownTenant: boolean;
  /** The tenant's API calls in each month this batch touched, after it: epoch ms of the month -> total. */
  apiCallsByMonth: Map<number, number>;
  /** The tenant's `api_calls_per_month` (undefined: unlimited). */
  monthlyQuota: number | undefined;
}

interface ApplyRow {
  isKnown: boolean;
  isApplied: boolean;
  plan: Pick<Plan, 'key' | 'features' | 'limits'> | null;
  config: TenantConfigOverrides | null;
  months: { start: string; value: string }[] | null;
}

/**
 * Applies a batch of usage sums as the app role, so RLS holds here too: one transaction for the
 * whole batch, and within it, per tenant, `setTenantScope` then one statement that records the
 * (tenant, batch) pair in `usage_batches` and adds the sums only if that record is new. A replayed
 * batch finds its records and adds nothing; a crash before COMMIT leaves nothing behind. The sums
 * that take a tenant's month over its API-call quota write a `usage.quota_exceeded` event in the
 * same statement. All the
 * batch's statements are sent back to back (pipelined) on the transaction's connection.
 */
@Injectable()
export class UsageRollupRepository {
  constructor(@Inject(APP_DATABASE) private readonly database: DatabaseHandle) {}

  async apply(batchId: string, rollups: TenantRollup[]): Promise<AppliedTenantRollup[]> {
    const rows = await this.database.client.begin((sql) =>
      rollups.flatMap((rollup) => [
        setTenantScope(sql, { tenantId: rollup.tenantId }),
        sql`
          with input as (
            select * from unnest(
              ${sql.array(rollup.rows.map((row) => row.metric))}::text[],
              ${sql.array(rollup.rows.map((row) => row.granularity))}::text[],
              ${sql.array(rollup.rows.map((row) => new Date(row.bucketStart).toISOString()))}::timestamptz[],
              ${sql.array(rollup.rows.map((row) => row.value))}::bigint[]
            ) as r(metric, granularity, bucket_start, value)
          ), tenant as (
            select t.id, t.config, jsonb_build_object('key', p.key, 'features', p.features, 'limits', p.limits) as plan
            from tenants t join plans p on p.key = t.plan
            where t.id = ${rollup.tenantId} and t.status <> 'deleted'
          ), ledger as (
            insert into usage_batches (tenant_id, batch_id) select id, ${batchId} from tenant
            on conflict do nothing
            returning tenant_id
          ), applied as (
            insert into usage_rollups as u (tenant_id, metric, granularity, bucket_start, value)
            select l.tenant_id, r.metric, r.granularity, r.bucket_start, r.value
            from ledger l
            cross join input r
            on conflict (tenant_id, metric, granularity, bucket_start) do update set value = u.value + excluded.value
            returning u.metric, u.granularity, u.bucket_start, u.value
          ), quota as (
            select coalesce((config -> 'limits' ->> ${LIMIT.API_CALLS_PER_MONTH}::text)::bigint, (plan -> 'limits' ->> ${LIMIT.API_CALLS_PER_MONTH}::text)::bigint) as value from tenant
          ), crossed as (
            -- The month total went from under the quota to at or over it with this batch.
            select a.bucket_start, a.value as used, q.value as quota
            from applied a
            cross join quota q
            join input d on d.metric = a.metric and d.granularity = a.granularity and d.bucket_start = a.bucket_start
            where a.metric = ${API_CALLS_METRIC} and a.granularity = 'month' and q.value is not null
              and a.value >= q.value and a.value - d.value < q.value
          ), quota_event as (
            -- The event commits with the sums that crossed the quota. Its id is derived from the
            -- tenant, month and quota, so it is written once however often the crossing is seen.
            insert into events (tenant_id, id, type, data)
            select ${rollup.tenantId}, md5('usage.quota_exceeded:' || ${rollup.tenantId}::text || ':' || extract(epoch from c.bucket_start)::bigint::text || ':' || c.quota::text)::uuid, 'usage.quota_exceeded',
              jsonb_build_object('object', jsonb_build_object(
                'metric', ${LIMIT.API_CALLS_PER_MONTH}::text, 'limit', c.quota, 'used', c.used, 'period', 'month',
                'resetsAt', to_char((c.bucket_start at time zone 'UTC' + interval '1 month'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
            from crossed c
            on conflict do nothing
          )
          select
            exists (select 1 from tenant) as "isKnown",
            exists (select 1 from ledger) as "isApplied",
            (select plan from tenant) as plan,
            (select config from tenant) as config,
            (select jsonb_agg(jsonb_build_object('start', bucket_start, 'value', value)) from applied
              where metric = ${API_CALLS_METRIC} and granularity = 'month') as months`,
      ]),
    );
    return rollups.map((rollup, index) => {
      const [row] = rows[index * 2 + 1] as unknown as ApplyRow[];
      const plan = row?.plan;
      const quota = plan ? mergeEffectiveConfig(plan, row.config ?? {}).limits[LIMIT.API_CALLS_PER_MONTH] : undefined;
      return {
        tenantId: rollup.tenantId,
        isApplied: row?.isApplied ?? false,
        isKnownTenant: row?.isKnown ?? false,
        apiCallsByMonth: new Map((row?.months ?? []).map((month) => [Date.parse(month.start), Number(month.value)])),
        monthlyQuota: quota,
      };
    });
  }
}
