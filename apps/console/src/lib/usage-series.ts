export type Granularity = 'hour' | 'day' | 'month';

export interface UsageRow {
  metric: string;
  bucketStart: string;
  value: number;
}

export interface UsageBucket {
  start: string;
  value: number;
}

const STEP_MS: Record<Exclude<Granularity, 'month'>, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start (UTC) of the bucket holding `time`. */
export function bucketStart(time: Date, granularity: Granularity): Date {
  const start = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), granularity === 'month' ? 1 : time.getUTCDate(), granularity === 'hour' ? time.getUTCHours() : 0));
  return start;
}

function next(start: Date, granularity: Granularity): Date {
  if (granularity === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + STEP_MS[granularity]);
}

/**
 * One metric's rollups as a gap-free series over [from, to): every bucket present, the missing
 * ones at zero (the API answers only buckets that saw usage), values of the same bucket summed.
 */
export function usageSeries(rows: UsageRow[], metric: string, from: Date, to: Date, granularity: Granularity, maxBuckets = 400): UsageBucket[] {
  const totals = new Map<number, number>();
  for (const row of rows) {
    if (row.metric !== metric) continue;
    const key = bucketStart(new Date(row.bucketStart), granularity).getTime();
    totals.set(key, (totals.get(key) ?? 0) + row.value);
  }
  const buckets: UsageBucket[] = [];
  for (let start = bucketStart(from, granularity); start < to && buckets.length < maxBuckets; start = next(start, granularity)) {
    buckets.push({ start: start.toISOString(), value: totals.get(start.getTime()) ?? 0 });
  }
  return buckets;
}

/** The metrics present in the rows, sorted, for the chart's metric picker. */
export const metricsOf = (rows: UsageRow[]): string[] => [...new Set(rows.map((row) => row.metric))].sort();

/** The window a chart shows for each granularity, ending now. */
export function defaultWindow(granularity: Granularity, now = new Date()): { from: Date; to: Date } {
  const to = next(bucketStart(now, granularity), granularity);
  const from = new Date(to);
  if (granularity === 'hour') from.setTime(to.getTime() - 24 * STEP_MS.hour);
  else if (granularity === 'day') from.setTime(to.getTime() - 30 * STEP_MS.day);
  else from.setUTCMonth(from.getUTCMonth() - 12);
  return { from, to };
}

/** A round axis maximum at or above the largest value (1, 2, 5 × 10^n). */
export function niceMaximum(values: number[]): number {
  const largest = Math.max(0, ...values);
  if (largest === 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  return ([1, 2, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= largest))!;
}
