import { Logger } from '@nestjs/common';

/** The catalog query postgres.js runs first on every new session to learn the array types. */
const ARRAY_TYPES_QUERY = /from pg_catalog\.pg_type a[\s\S]*typarray/;

/**
 * A failure of postgres.js's own array-type query (`fetch_types`), the first statement of every
 * new session. postgres.js runs it from a protocol handler that drops its promise, so when the
 * session ends under it (a restart, a failover, pg_terminate_backend, PgBouncer dropping the
 * client, a statement timeout) the rejection reaches no one and Node ends the process, however
 * the application handles its own queries. postgres.js names the statement that was running in
 * the error's `query` property; the user's statements on that connection fail on their own
 * (a 503), so this one carries no information anyone waits for.
 */
export function isArrayTypeFetchFailure(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const query = (reason as { query?: unknown }).query;
  return typeof query === 'string' && ARRAY_TYPES_QUERY.test(query);
}

/**
 * Once per process, with the first pool: an unhandled rejection that is such a type-fetch failure
 * is logged as a warning instead of ending the process. Any other unhandled rejection keeps
 * Node's behaviour: with no other listener it is thrown, and the process ends as before.
 * (Turning `fetch_types` off is no way out: postgres.js then never hands a reserved connection
 * to a reservation that connected it.)
 */
export function guardArrayTypeFetch(): void {
  // Found by name, so a second copy of this module (a test runner's registry) does not add another.
  if (process.listeners('unhandledRejection').some((listener) => listener.name === tenantryArrayTypeFetchGuard.name)) return;
  process.on('unhandledRejection', tenantryArrayTypeFetchGuard);
}

function tenantryArrayTypeFetchGuard(reason: unknown): void {
  if (isArrayTypeFetchFailure(reason)) {
    new Logger('Database').warn(`a new database session ended while its array types were read: ${(reason as Error).message}`);
    return;
  }
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}
