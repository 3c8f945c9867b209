import type postgres from 'postgres';
import type { Database, Transaction } from './database';

/** What drizzle's `.prepare()` gives back: the built SQL, its parameters and the row mapping. */
interface PreparedShape<R> {
  execute(placeholders?: Record<string, unknown>): Promise<R>;
}

/** A drizzle query builder that can be prepared (select, insert, update, delete). */
interface Preparable<R> {
  prepare(name: string): PreparedShape<R>;
}

type Handle = Database | Transaction;

/** The postgres.js connection a drizzle handle runs on (for a transaction: its reserved one). */
const connectionOf = (handle: Handle): postgres.Sql => (handle as unknown as { session: { client: postgres.Sql } }).session.client;

/**
 * A drizzle query whose SQL is built once per statement shape, then run on whichever handle (a
 * request's transaction, usually) is given, with `sql.placeholder()` values. drizzle otherwise
 * builds a query's SQL anew on every call (a walk over the query's parts with class checks at
 * every node), which was the largest cost of a request's own queries; and it sends its ad-hoc
 * queries unnamed, which makes postgres.js describe them first (one more round trip) every time,
 * where a prepared one is described once per connection (when the pool prepares statements at all:
 * with prepared statements off, as for PgBouncer before 1.21, postgres.js still sends it unnamed).
 *
 * drizzle binds a prepared query to the session it was built on, and each transaction is a new
 * session: so the query is built (and prepared) once, on the first handle, and each run borrows it
 * with the given handle's connection in place of that first one. Everything else (SQL, parameter
 * order, the mapping of rows to the query's fields, nullable joins) is drizzle's own.
 */
export function preparedQuery<R, P extends Record<string, unknown> = Record<string, unknown>>(
  name: string,
  build: (handle: Handle) => Preparable<R>,
): (handle: Handle, values: P) => Promise<R> {
  let shape: PreparedShape<R> | undefined;
  return (handle, values) => {
    shape ??= build(handle).prepare(name);
    const run = Object.create(shape, { client: { value: connectionOf(handle) } }) as PreparedShape<R>;
    return run.execute(values);
  };
}

/**
 * A statement of fixed text with positional parameters, run on the handle's own connection by
 * postgres.js alone (prepared as the pool is configured: described once per connection, or unnamed
 * without prepared statements): for a hot write (its result is postgres.js's rows), where drizzle's execute
 * (placeholder filling, value mapping, its tracing wrapper) costs more than the statement. Values go
 * to the driver as drizzle would pass them: a jsonb as its JSON text, a timestamp as an ISO string.
 * The query starts at once (sent with the connection's next write).
 */
export function fixedStatement(text: string): (handle: Handle, values: postgres.ParameterOrJSON<never>[]) => Promise<unknown> {
  // postgres.js sends `unsafe` text unnamed unless asked: then every run is described first, a
  // round trip of its own that also holds back the statements after it. Asked, the pool's setting wins.
  return (handle, values) => connectionOf(handle).unsafe(text, values, { prepare: true }).execute();
}
