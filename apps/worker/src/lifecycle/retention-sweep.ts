import { sql } from 'drizzle-orm';
import { SystemTransaction } from '@tenantry/system-db';

/** A tenant table whose rows expire after a per-tenant number of days (override, else plan). */
export interface RetentionTarget {
  table: 'audit_logs' | 'events';
  timeColumn: 'at' | 'occurred_at';
  limitName: string;
}

/**
 * Deletes the target's rows older than each tenant's retention limit, across tenants, in
 * statements of at most `batchSize` rows, each its own short system transaction. A tenant with
 * neither an override nor a plan value keeps its rows (the interval is NULL). Returns the count.
 * Rows are named by primary key, not ctid: a row updated meanwhile (the webhook dispatcher marks
 * events dispatched) gets a new ctid, and a delete by the old one would silently pass it over.
 */
export async function deleteExpiredRows(system: SystemTransaction, target: RetentionTarget, batchSize: number): Promise<number> {
  const table = sql.identifier(target.table);
  const timeColumn = sql.identifier(target.timeColumn);
  let deleted = 0;
  for (;;) {
    const result = await system.run((tx) => tx.execute(sql`
      delete from ${table} where (tenant_id, id) in (
        select r.tenant_id, r.id from ${table} r
        join tenants t on t.id = r.tenant_id
        join plans p on p.key = t.plan
        where r.${timeColumn} < now() - make_interval(days => coalesce(
          (t.config -> 'limits' ->> ${target.limitName}::text)::int,
          (p.limits ->> ${target.limitName}::text)::int))
        limit ${batchSize})`));
    deleted += result.count;
    if (result.count < batchSize) break;
  }
  return deleted;
}
