import type { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from './with-timeout';

const PROBE_TIMEOUT_MS = 2000;

/**
 * One readiness probe in @nestjs/terminus's shape, for the API's and the worker's /health/ready:
 * up when `call` settles within 2 s, down naming why otherwise (what failed, or "<what> did not
 * answer within 2000 ms").
 */
export async function probeDependency(health: HealthIndicatorService, key: string, what: string, call: () => Promise<unknown>) {
  const indicator = health.check(key);
  try {
    await withTimeout(call(), PROBE_TIMEOUT_MS, what);
    return indicator.up();
  } catch (error) {
    return indicator.down({ message: error instanceof Error ? error.message : String(error) });
  }
}
