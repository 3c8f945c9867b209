import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { EventData } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';

/** A delivery a worker has leased, with what its attempt needs: read in the claim's own statement. */
export interface ClaimedDelivery {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
  /** Attempts made before this one: the record of this attempt expects it unchanged. */
  attemptsMade: number;
  eventOccurredAt: Date;
  endpoint: { url: string; enabled: boolean; secretVersion: number; previousSecretExpiresAt: Date | null };
  event: { id: string; type: string; occurredAt: Date; tenantId: string; data: EventData };
}

/** The outcome of a successful attempt, recorded with the others of its batch. */
export interface SucceededAttempt {
  tenantId: string;
  deliveryId: string;
  attemptsMade: number;
  at: Date;
  responseCode: number;
  durationMs: number;
  responseBody: string | null;
}

interface ClaimedRow extends Record<string, unknown> {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  attempt_count: number;
  event_occurred_ms: number;
  url: string;
  enabled: boolean;
  secret_version: number;
  previous_secret_expires_ms: number | null;
  event_id: string;
  type: string;
  occurred_ms: number;
  data: EventData | string;
}

/**
 * Serialises claims across worker processes (per database), so each counts the others' leases;
 * and, for the claim's transaction only, keeps the planner off bitmap scans. A backlog grows far
 * faster than autovacuum's statistics follow, and on the stale estimate (a handful of due rows) the
 * planner reads every due delivery by bitmap and sorts them all to keep the oldest CLAIM_WINDOW,
 * where walking the due index in order stops there: 4 ms against 1 ms per claim at a 15,000-row
 * backlog (auto_explain in `npm run bench:webhooks`).
 */
const CLAIM_LOCK = sql`select pg_advisory_xact_lock(hashtext('tenantry.webhook_claim')), set_config('enable_bitmapscan', 'off', true)`;

/** The same planner setting for the fan-out's transaction only, whose oldest undispatched events it reads the same way. */
const NO_BITMAP_SCANS = sql`select set_config('enable_bitmapscan', 'off', true)`;

/** The metrics count a backlog up to this many: beyond, the figure says "at least". */
export const BACKLOG_COUNT_CAP = 100_000;

/** How many of the oldest due deliveries a claim looks at; endpoints take turns within them. */
const CLAIM_WINDOW = 2000;

const claimed = (rows: ClaimedRow[]): ClaimedDelivery[] =>
  rows.map((row) => ({
    tenantId: row.tenant_id,
    deliveryId: row.id,
    endpointId: row.endpoint_id,
    attemptsMade: row.attempt_count,
    eventOccurredAt: new Date(row.event_occurred_ms),
    endpoint: {
      url: row.url,
      enabled: row.enabled,
      secretVersion: row.secret_version,
      previousSecretExpiresAt: row.previous_secret_expires_ms === null ? null : new Date(row.previous_secret_expires_ms),
    },
    event: {
      id: row.event_id,
      type: row.type,
      occurredAt: new Date(row.occurred_ms),
      tenantId: row.tenant_id,
      data: typeof row.data === 'string' ? (JSON.parse(row.data) as EventData) : row.data,
    },
  }));

/**
 * The worker's cross-tenant webhook statements, as the system role (a worker sweep): the fan-out
 * of committed events into deliveries, and the claim that leases due deliveries and records the
 * successes of the ones before, a batch per statement, never a statement per delivery.
 */
@Injectable()
export class WebhookDispatchRepository {
  constructor(private readonly system: SystemTransaction) {}

  /**
   * Fans out up to `limit` committed, undispatched events, oldest first: one delivery per
   * subscribed, enabled endpoint (none twice: the unique key), due at once, and the events marked
   * dispatched, in one statement and one transaction. Events are taken FOR UPDATE SKIP LOCKED, so
   * any number of worker processes share the work without waiting or taking an event twice.
   */
  async dispatch(limit: number, now: Date): Promise<{ events: number; deliveries: number }> {
    return this.system.run(async (tx) => {
      // As for the claim (see CLAIM_LOCK): the oldest `limit` by walking the index in order.
      await tx.execute(NO_BITMAP_SCANS);
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
          insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type, status, next_attempt_at, event_occurred_at)
          select m.tenant_id, w.id, m.id, m.type, 'pending', ${now.toISOString()}::timestamptz, m.occurred_at
          from marked m
          join webhook_endpoints w on w.tenant_id = m.tenant_id and w.enabled and m.type = any(w.events)
          on conflict (tenant_id, endpoint_id, event_id) do nothing
          returning 1
        )
        select (select count(*)::int from marked) as events, (select count(*)::int from inserted) as deliveries`)) as unknown as { events: number; deliveries: number }[];
      return result!;
    });
  }

  /**
   * The backlog for the metrics: due deliveries no worker holds, and committed events not yet
   * fanned out, each counted up to BACKLOG_COUNT_CAP (index scans of the two partial indexes).
   */
  async backlog(now: Date): Promise<{ due: number; undispatchedEvents: number }> {
    return this.system.run(async (tx) => {
      const at = now.toISOString();
      const [row] = (await tx.execute(sql`
        select
          (select count(*)::int from (
            select 1 from webhook_deliveries
            where status = 'pending' and next_attempt_at <= ${at}::timestamptz and (lease_until is null or lease_until <= ${at}::timestamptz)
            limit ${BACKLOG_COUNT_CAP}) d) as due,
          (select count(*)::int from (select 1 from events where dispatched_at is null limit ${BACKLOG_COUNT_CAP}) e) as undispatched`)) as unknown as { due: number; undispatched: number }[];
      return { due: row!.due, undispatchedEvents: row!.undispatched };
    });
  }

  /**
   * In one transaction: records `succeeded` (the successes since the last claim: their leases
   * end, failing streaks of their endpoints too), then leases up to `limit` due deliveries
   * (first attempts, retries whose time has come, replays, test sends, and leases that ran out
   * because their worker died) so that no endpoint has more than `perEndpoint` leases live,
   * counting every process's. Claims take an advisory lock first, so the count a claim reads
   * (a fresh snapshot, after the lock) includes every lease another process's claim committed.
   * Endpoints take turns: the first due delivery of each, then the second of each, and so on.
   * Answers the claimed deliveries and which recorded successes were still current (a success
   * whose attempt another copy recorded first is not written again).
   */
  async recordAndClaim(
    succeeded: readonly SucceededAttempt[],
    claim: { limit: number; perEndpoint: number; now: Date; leaseUntil: Date },
  ): Promise<{ recorded: Set<string>; claimed: ClaimedDelivery[] }> {
    return this.system.run(async (tx) => {
      const recorded = new Set<string>();
      if (succeeded.length > 0) {
        const batch = JSON.stringify(
          succeeded.map((entry) => ({
            tenant_id: entry.tenantId,
            id: entry.deliveryId,
            expected: entry.attemptsMade,
            at: entry.at.toISOString(),
            code: entry.responseCode,
            duration: entry.durationMs,
            body: entry.responseBody,
          })),
        );
        const rows = await tx.execute<{ id: string }>(sql`
          with done as (
            select * from jsonb_to_recordset(${batch}::jsonb) as v(tenant_id uuid, id uuid, expected int, at timestamptz, code int, duration int, body text)
          ), updated as (
            update webhook_deliveries d set
              status = 'succeeded', attempt_count = v.expected + 1, last_attempt_at = v.at, next_attempt_at = null,
              lease_until = null, response_code = v.code, duration_ms = v.duration, response_body = v.body, error = null,
              succeeded_at = v.at, updated_at = now()
            from done v
            where d.tenant_id = v.tenant_id and d.id = v.id and d.attempt_count = v.expected
            returning d.tenant_id, d.id, d.endpoint_id
          ), cleared as (
            update webhook_endpoints w set failing_since = null
            from (select distinct tenant_id, endpoint_id from updated) u
            where w.tenant_id = u.tenant_id and w.id = u.endpoint_id and w.failing_since is not null
          )
          select id from updated`);
        for (const row of rows as unknown as { id: string }[]) recorded.add(row.id);
      }
      if (claim.limit <= 0) return { recorded, claimed: [] };
      await tx.execute(CLAIM_LOCK);
      const now = claim.now.toISOString();
      const rows = await tx.execute<ClaimedRow>(sql`
        with in_flight as (
          select endpoint_id, count(*)::int as n from webhook_deliveries
          where status = 'pending' and lease_until is not null and lease_until > ${now}::timestamptz
          group by endpoint_id
        ), candidates as (
          select tenant_id, id, endpoint_id, next_attempt_at from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${now}::timestamptz
            and (lease_until is null or lease_until <= ${now}::timestamptz)
          order by next_attempt_at
          limit ${CLAIM_WINDOW}
        ), ranked as (
          select c.tenant_id, c.id, c.next_attempt_at, coalesce(f.n, 0) as busy,
                 row_number() over (partition by c.endpoint_id order by c.next_attempt_at, c.id) as turn
          from candidates c left join in_flight f on f.endpoint_id = c.endpoint_id
        ), picked as (
          select tenant_id, id from ranked
          where busy + turn <= ${claim.perEndpoint}
          order by turn, next_attempt_at
          limit ${claim.limit}
        ), leased as (
          update webhook_deliveries d set lease_until = ${claim.leaseUntil.toISOString()}::timestamptz
          from picked p where d.tenant_id = p.tenant_id and d.id = p.id
          returning d.tenant_id, d.id, d.endpoint_id, d.event_id, d.attempt_count, d.event_occurred_at
        )
        select l.tenant_id, l.id, l.endpoint_id, l.attempt_count, (extract(epoch from l.event_occurred_at) * 1000)::float8 as event_occurred_ms,
               w.url, w.enabled, w.secret_version, (extract(epoch from w.previous_secret_expires_at) * 1000)::float8 as previous_secret_expires_ms,
               e.id as event_id, e.type, (extract(epoch from e.occurred_at) * 1000)::float8 as occurred_ms, e.data
        from leased l
        join webhook_endpoints w on w.tenant_id = l.tenant_id and w.id = l.endpoint_id
        join events e on e.tenant_id = l.tenant_id and e.id = l.event_id`);
      return { recorded, claimed: claimed([...rows] as ClaimedRow[]) };
    });
  }
}
