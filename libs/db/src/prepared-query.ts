import { Column, is, Param, Placeholder, SQL, Subquery } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Database, Transaction } from './database';

/** A value's way from the driver to the row (a column's or an SQL expression's decoder). */
interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** A selected field as drizzle lists it: where it goes in the row, and what it is. */
interface SelectedField {
  path: string[];
  field: unknown;
}

/** What drizzle's `.prepare()` gives back. */
interface PreparedShape<R> {
  execute(placeholders?: Record<string, unknown>): Promise<R>;
}

/** ... and what it holds on postgres.js: the built SQL, its parameters and the row mapping. */
interface PostgresJsPrepared<R> extends PreparedShape<R> {
  queryString: string;
  params: unknown[];
  fields?: SelectedField[];
  customResultMapper?: unknown;
  prepare: boolean;
}

/** A drizzle query builder that can be prepared (select, insert, update, delete). */
interface Preparable<R> {
  prepare(name: string): PreparedShape<R>;
}

type Handle = Database | Transaction;

/** The postgres.js connection a drizzle handle runs on (for a transaction: its reserved one). */
const connectionOf = (handle: Handle): postgres.Sql => (handle as unknown as { session: { client: postgres.Sql } }).session.client;

/** How one parameter of a prepared query gets its value on a run: a fixed value, or a placeholder's (encoded as its column says). */
function parameterOf(param: unknown): (values: Record<string, unknown>) => unknown {
  const placeholder = is(param, Placeholder) ? param : is(param, Param) && is(param.value, Placeholder) ? param.value : undefined;
  if (!placeholder) return () => param;
  const encoder = is(param, Param) ? param.encoder : undefined;
  const { name } = placeholder;
  return (values) => {
    if (!(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
    return encoder ? encoder.mapToDriverValue(values[name]) : values[name];
  };
}

const passThrough = Column.prototype.mapFromDriverValue;

/** The decoder drizzle's own row mapping would use for a selected field. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  if (is(field, Subquery)) return (field as unknown as { _: { sql: { decoder: Decoder } } })._.sql.decoder;
  return (field as { sql: { decoder: Decoder } }).sql.decoder;
}

/**
 * The row mapping of a flat select (every field at the top level of the row, as `select()` of one
 * table or `select({ ... })` gives): one function made once per statement shape, building each row
 * as an object literal, so every row of a shape has the same hidden class. A nested selection
 * (`select()` of a join, whose nullable tables drizzle turns into null) keeps drizzle's mapping.
 */
function flatRowMapper(fields: SelectedField[]): ((row: unknown[]) => Record<string, unknown>) | undefined {
  if (fields.some((selected) => selected.path.length !== 1)) return undefined;
  const decoders = fields.map((selected) => decoderOf(selected.field));
  const entries = fields.map((selected, i) => {
    const key = JSON.stringify(selected.path[0]);
    const decoder = decoders[i]!;
    return decoder.mapFromDriverValue === passThrough ? `${key}: r[${i}]` : `${key}: r[${i}] === null ? null : d[${i}].mapFromDriverValue(r[${i}])`;
  });
  // Keys come from the schema, each written as a JSON string literal; values are read by index.
  return new Function('d', `return (r) => ({ ${entries.join(', ')} });`)(decoders) as (row: unknown[]) => Record<string, unknown>;
}

interface Plan<R> {
  run(connection: postgres.Sql, values: Record<string, unknown>): Promise<R>;
}

/** The plan of a prepared shape: drizzle's SQL, parameters and mapping, run by postgres.js alone where the shape allows. */
function planOf<R>(prepared: PreparedShape<R>): Plan<R> {
  const shape = prepared as PostgresJsPrepared<R>;
  const { queryString, prepare } = shape;
  const parameters = shape.params.map(parameterOf);
  const fill = (values: Record<string, unknown>) => parameters.map((parameter) => parameter(values));
  const mapRow = shape.fields && !shape.customResultMapper ? flatRowMapper(shape.fields) : undefined;
  if (shape.customResultMapper || (shape.fields && !mapRow)) {
    // drizzle's own execute, on the connection given (see preparedQuery).
    return { run: (connection, values) => (Object.create(shape, { client: { value: connection } }) as PreparedShape<R>).execute(values) };
  }
  if (!mapRow) return { run: (connection, values) => connection.unsafe(queryString, fill(values) as never[], { prepare }).execute() as unknown as Promise<R> };
  return {
    run: (connection, values) =>
      connection
        .unsafe(queryString, fill(values) as never[], { prepare })
        .values()
        .then((rows) => rows.map(mapRow) as R),
  };
}

/**
 * A drizzle query whose SQL is built once per statement shape, then run on whichever handle (a
 * request's transaction, usually) is given, with `sql.placeholder()` values. drizzle otherwise
 * builds a query's SQL anew on every call (a walk over the query's parts with class checks at
 * every node), which was the largest cost of a request's own queries; and it sends its ad-hoc
 * queries unnamed, which makes postgres.js describe them first (one more round trip) every time,
 * where a prepared one is described once per connection (when the pool prepares statements at all:
 * with prepared statements off, as for PgBouncer before 1.21, postgres.js still sends it unnamed).
 *
 * drizzle builds the SQL, orders the parameters and says how each selected field is decoded; each
 * run hands that SQL to the given handle's postgres.js connection itself and maps the rows with a
 * function made once for the shape: drizzle's execute (its tracing wrappers, three async frames,
 * a generic mapping with class checks at every field of every row) is not on the way. Errors are
 * postgres.js's own, unwrapped (`pg-errors` reads either shape). Shapes that need drizzle's nested
 * mapping (a selection of whole joined tables) run through drizzle's execute, on the given
 * connection.
 */
export function preparedQuery<R, P extends Record<string, unknown> = Record<string, unknown>>(
  name: string,
  build: (handle: Handle) => Preparable<R>,
): (handle: Handle, values: P) => Promise<R> {
  let plan: Plan<R> | undefined;
  return (handle, values) => {
    plan ??= planOf(build(handle).prepare(name));
    return plan.run(connectionOf(handle), values);
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
