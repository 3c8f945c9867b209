import type { UsageGranularity } from '@tenantry/db';
import type { UsageEvent } from '@tenantry/queues';
import { bucketStart } from './usage-periods';

const ROLLUP_GRANULARITIES: readonly UsageGranularity[] = ['hour', 'day', 'month'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `api_calls`, `projects.created`: lower case, digits, `_` and `.`. */
export const METRIC_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

/** 9999-12-31T23:59:59.999Z: PostgreSQL's timestamps end there; a later `at` is not ours. */
const LATEST_EVENT_AT = 253402300799999;

export interface RollupRow {
  metric: string;
  granularity: UsageGranularity;
  bucketStart: number;
  value: number;
}

export interface TenantRollup {
  tenantId: string;
  rows: RollupRow[];
  events: number;
  /** The earliest event of this tenant in the batch (epoch ms). */
  oldestAt: number;
}

export function isValidEvent(event: unknown): event is UsageEvent {
  const candidate = event as Partial<UsageEvent> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.tenantId === 'string' &&
    UUID.test(candidate.tenantId) &&
    typeof candidate.metric === 'string' &&
    METRIC_NAME.test(candidate.metric) &&
    typeof candidate.at === 'number' &&
    Number.isFinite(candidate.at) &&
    candidate.at > 0 &&
    candidate.at < LATEST_EVENT_AT
  );
}

/**
 * Sums a batch of events per tenant, metric and UTC hour, day and month. Tenants and rows come out
 * in one fixed order, so concurrent batches lock rollup rows in the same order (no deadlocks).
 */
export function rollUp(events: readonly UsageEvent[]): TenantRollup[] {
  const byTenant = new Map<string, { sums: Map<string, RollupRow>; events: number; oldestAt: number }>();
  for (const event of events) {
    let tenant = byTenant.get(event.tenantId);
    if (!tenant) {
      tenant = { sums: new Map(), events: 0, oldestAt: event.at };
      byTenant.set(event.tenantId, tenant);
    }
    tenant.events += 1;
    if (event.at < tenant.oldestAt) tenant.oldestAt = event.at;
    for (const granularity of ROLLUP_GRANULARITIES) {
      const start = bucketStart(event.at, granularity);
      const key = `${event.metric}\u0000${granularity}\u0000${start}`;
      const row = tenant.sums.get(key);
      if (row) row.value += 1;
      else tenant.sums.set(key, { metric: event.metric, granularity, bucketStart: start, value: 1 });
    }
  }
  return [...byTenant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenantId, tenant]) => ({
      tenantId,
      events: tenant.events,
      oldestAt: tenant.oldestAt,
      rows: [...tenant.sums.values()].sort(
        (a, b) =>
          (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
          (a.granularity < b.granularity ? -1 : a.granularity > b.granularity ? 1 : 0) ||
          a.bucketStart - b.bucketStart,
      ),
    }));
}
