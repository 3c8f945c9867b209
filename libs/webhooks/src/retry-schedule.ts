/**
 * The waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; after the eighth
 * attempt a delivery has failed. Each wait is stretched by up to 10% at random, so endpoints that
 * failed together are not retried in one burst.
 */
export const RETRY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const RETRY_JITTER = 0.1;

/** The wait before the next attempt after `attemptsMade` attempts, or undefined when none is left. */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_MS[attemptsMade - 1];
  return base === undefined ? undefined : Math.round(base * (1 + RETRY_JITTER * random()));
}

/** An endpoint that has failed without a success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;
