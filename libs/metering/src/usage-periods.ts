import type { UsageGranularity } from '@tenantry/db';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start (epoch ms) of the UTC hour, day or month holding `at`. */
export function bucketStart(at: number, granularity: UsageGranularity): number {
  switch (granularity) {
    case 'hour':
      return at - (((at % HOUR_MS) + HOUR_MS) % HOUR_MS);
    case 'day':
      return at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
    case 'month': {
      const date = new Date(at);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
  }
}

/** The calendar month (UTC) holding `at`: monthly quotas count within it and reset at its end. */
export function monthPeriod(at: number): { start: number; end: number } {
  const date = new Date(at);
  return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
}
