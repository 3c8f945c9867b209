import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { SystemTransaction } from '@tenantry/system-db';

/** A delivery the dispatcher has leased and is to queue. */
export interface LeasedDelivery {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
  attemptsMade: number;
}

interface LeasedRow extends Record<string, unknown> {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  attempt_count: number;
}

const leased = (rows: LeasedRow[]): LeasedDelivery[] =>
  rows.map((row) => ({ tenantId: row.tenant_id, deliveryId: row.id, endpointId: row.endpoint_id, attemptsMade: row.attempt_count }));

/**
 * The dispatcher's two statements, across tenants as the system role (a worker sweep). Both take
 * rows with FOR UPDATE SKIP LOCKED, so any number of worker processes share the work without
 * waiting on each other or taking a row twice.
 */
@Injectable()
export class WebhookDispatchRepository {
  constructor(private readonly system: SystemTransaction) {}

  /**
   * Fans out up to `limit` committed, undispatched events, oldest first: one delivery per
   * subscribed, enabled endpoint (none twice: the unique key), each leased until `leaseUntil`,
   * and the events marked dispatched, in one statement and one transaction. What it returns is
   * to be queued; should that fail, the lease runs out and the due sweep queues it.
   */
  async dispatch(limit: number, now: Date, leaseUntil: Date): Promise<{ events: number; deliveries: LeasedDelivery[] }> {
    return this.system.run(async (tx) => {
      const [result] = (await tx.execute(sql`
        with batch as (
          select tenant_id, id from events
          where dispatched_at is null
          order by occurred_at
          limit ${limit}
          for update skip locked
        ), marked as (
          update events e set dispatched_at = now()
          from batch b where e.tenant_id = b.tenant_id and e.id = b.id
          returning e.tenant_id, e.id, e.type, e.occurred_at
        ), inserted as (
          insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at, lease_until, event_occurred_at)
          select m.tenant_id, w.id, m.id, m.type, 'pending', ${now.toISOString()}::timestamptz, ${leaseUntil.toISOString()}::timestamptz, m.occurred_at
          from marked m
          join webhook_endpoints w on w.tenant_id = m.tenant_id and w.enabled and m.type = any(w.events)
          on conflict (tenant_id, endpoint_id, event_id) do nothing
          returning tenant_id, id, endpoint_id, attempt_count
        )
        select (select count(*)::int from marked) as events,
               coalesce((select json_agg(i) from inserted i), '[]'::json) as deliveries`)) as unknown as { events: number; deliveries: LeasedRow[] }[];
      return { events: result!.events, deliveries: leased(result!.deliveries) };
    });
  }

  /**
   * Leases up to `limit` pending deliveries that are due (a retry's time has come, a replay, a
   * test send, or a lease that ran out because its job was lost or its worker died).
   */
  async claimDue(limit: number, now: Date, leaseUntil: Date): Promise<LeasedDelivery[]> {
    return this.system.run(async (tx) => {
      const rows = await tx.execute<LeasedRow>(sql`
        update webhook_deliveries d set lease_until = ${leaseUntil.toISOString()}::timestamptz
        from (
          select tenant_id, id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            and (lease_until is null or lease_until < ${now.toISOString()}::timestamptz)
          order by next_attempt_at
          limit ${limit}
          for update skip locked
        ) due
        where d.tenant_id = due.tenant_id and d.id = due.id
        returning d.tenant_id, d.id, d.endpoint_id, d.attempt_count`);
      return leased([...rows] as LeasedRow[]);
    });
  }
}
