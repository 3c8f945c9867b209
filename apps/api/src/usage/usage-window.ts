import { BadRequestException } from '@nestjs/common';
import type { QueryGranularity } from './dto/usage-query.dto';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Default window when `from` is absent, and the longest window allowed, per granularity. */
const WINDOWS: Record<QueryGranularity, { defaultMs: number; maxMs: number; maxLabel: string }> = {
  hour: { defaultMs: DAY_MS, maxMs: 31 * DAY_MS, maxLabel: '31 days' },
  day: { defaultMs: 30 * DAY_MS, maxMs: 366 * DAY_MS, maxLabel: '366 days' },
  month: { defaultMs: 365 * DAY_MS, maxMs: 5 * 366 * DAY_MS, maxLabel: '5 years' },
};

export interface UsageWindow {
  from: Date;
  to: Date;
  granularity: QueryGranularity;
  metric?: string;
}

/** Fills the defaults (`to` = now) and refuses an empty, inverted or too long window with a 400. */
export function resolveUsageWindow(query: { from?: Date; to?: Date; granularity: QueryGranularity; metric?: string }, now: number): UsageWindow {
  const window = WINDOWS[query.granularity];
  const to = query.to ?? new Date(now);
  const from = query.from ?? new Date(to.getTime() - window.defaultMs);
  if (from.getTime() >= to.getTime()) throw new BadRequestException('from must be before to');
  if (to.getTime() - from.getTime() > window.maxMs) {
    throw new BadRequestException(`a ${query.granularity} window may span at most ${window.maxLabel}`);
  }
  return { from, to, granularity: query.granularity, ...(query.metric ? { metric: query.metric } : {}) };
}

/** The window as the usage answers state it. */
export const presentWindow = (window: UsageWindow) => ({
  granularity: window.granularity,
  from: window.from.toISOString(),
  to: window.to.toISOString(),
});
