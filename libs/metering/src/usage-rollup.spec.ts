import type { UsageEvent } from '@tenantry/queues';
import { bucketStart, monthPeriod } from './usage-periods';
import { isValidEvent, rollUp } from './usage-rollup';

const TENANT_A = '00000000-0000-4000-8000-00000000000a';
const TENANT_B = '00000000-0000-4000-8000-00000000000b';
const at = (iso: string) => Date.parse(iso);
const event = (tenantId: string, metric: string, iso: string): UsageEvent => ({ eventId: `${metric}-${iso}`, tenantId, metric, at: at(iso) });

describe('usage periods', () => {
  it('truncates to the UTC hour, day and month', () => {
    const t = at('2026-11-30T23:59:59.999Z');
    expect(new Date(bucketStart(t, 'hour')).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(new Date(bucketStart(t, 'day')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(new Date(bucketStart(t, 'month')).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('gives the calendar month, December rolling into the next year', () => {
    const { start, end } = monthPeriod(at('2026-12-15T10:00:00Z'));
    expect(new Date(start).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('rollUp', () => {
  it('sums per tenant, metric and bucket, at every granularity', () => {
    const rollups = rollUp([
      event(TENANT_B, 'api_calls', '2026-11-30T23:10:00Z'),
      event(TENANT_A, 'api_calls', '2026-11-30T23:10:00Z'),
      event(TENANT_A, 'api_calls', '2026-11-30T23:50:00Z'),
      event(TENANT_A, 'api_calls', '2026-12-01T00:05:00Z'),
      event(TENANT_A, 'projects.created', '2026-11-30T22:00:00Z'),
    ]);
    expect(rollups.map((r) => [r.tenantId, r.events])).toEqual([
      [TENANT_A, 4],
      [TENANT_B, 1],
    ]);
    const a = rollups[0]!;
    expect(a.oldestAt).toBe(at('2026-11-30T22:00:00Z'));
    const view = a.rows.map((r) => `${r.metric} ${r.granularity} ${new Date(r.bucketStart).toISOString()} ${r.value}`);
    expect(view).toEqual([
      'api_calls day 2026-11-30T00:00:00.000Z 2',
      'api_calls day 2026-12-01T00:00:00.000Z 1',
      'api_calls hour 2026-11-30T23:00:00.000Z 2',
      'api_calls hour 2026-12-01T00:00:00.000Z 1',
      'api_calls month 2026-11-01T00:00:00.000Z 2',
      'api_calls month 2026-12-01T00:00:00.000Z 1',
      'projects.created day 2026-11-30T00:00:00.000Z 1',
      'projects.created hour 2026-11-30T22:00:00.000Z 1',
      'projects.created month 2026-11-01T00:00:00.000Z 1',
    ]);
  });

  it('rejects events that are not ours', () => {
    expect(isValidEvent(event(TENANT_A, 'api_calls', '2026-11-30T23:10:00Z'))).toBe(true);
    expect(isValidEvent({ ...event(TENANT_A, 'api_calls', '2026-11-30T23:10:00Z'), tenantId: 'x' })).toBe(false);
    expect(isValidEvent({ ...event(TENANT_A, 'API Calls', '2026-11-30T23:10:00Z') })).toBe(false);
    expect(isValidEvent({ ...event(TENANT_A, 'api_calls', '2026-11-30T23:10:00Z'), at: 'yesterday' })).toBe(false);
    expect(isValidEvent({ ...event(TENANT_A, 'api_calls', '2026-11-30T23:10:00Z'), at: 8.65e15 })).toBe(false);
    expect(isValidEvent(null)).toBe(false);
  });
});
