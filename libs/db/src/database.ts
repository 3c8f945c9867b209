import { drizzle, PostgresJsDatabase, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { watchPool } from '@tenantry/metrics';
import { connectionSocket } from './connection-socket';
import { trackPoolUsage } from './pool-usage';
import { guardArrayTypeFetch } from './type-fetch-guard';
import { beginStatement, runReservedTransaction, TransactionPrelude, withGuardedTransactions } from './reserved-transaction';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A drizzle transaction handle: what repositories run their queries on. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface DatabaseHandle {
  readonly db: Database;
  readonly client: postgres.Sql;
  /**
   * `db.transaction(work)` in fewer round trips: BEGIN, the prelude's statements and the work's
   * first query leave in one write on a reserved connection (postgres.js pipelines them; its own
   * `begin()` waits for BEGIN's answer first), and PostgreSQL runs them in that order. Commits
   * when `work` resolves, rolls back when anything fails; a lost connection fails the work and
   * never the process (see runReservedTransaction).
   */
  pipelinedTransaction<T>(
    prelude: TransactionPrelude,
    work: (tx: Transaction) => Promise<T>,
    options?: { isolationLevel?: IsolationLevel },
  ): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolSize: number;
  applicationName: string;
  /**
   * statement_timeout of every transaction of this pool, as `SET LOCAL` in its BEGIN (a transaction
   * pooler refuses startup parameters and would carry a session SET to other clients). Statements
   * outside a transaction get the role's own setting (the migrations set one); unset: the role's.
   */
  statementTimeoutMs?: number;
  /**
   * Prepared statements (postgres.js reuses them per connection). Off for PgBouncer before 1.21 in
   * transaction mode, which cannot follow them. A `?prepare=` on the URL wins.
   */
  prepare?: boolean;
  /**
   * How long a transaction may wait for a connection of the pool and for its BEGIN to be answered
   * (DB_ACQUIRE_TIMEOUT_MS); beyond, it fails with ConnectionAcquireTimeoutError (a 503) and a
   * connection whose BEGIN went unanswered is closed. Unset: as long as it takes.
   */
  acquireTimeoutMs?: number;
  /** The `pool` label of the pool metrics (`app`, `system`); unset: not reported. */
  metricsPool?: string;
}

type DrizzleSessionParts = ConstructorParameters<typeof PostgresJsSession> extends [unknown, infer D, infer S, infer O]
  ? { dialect: D; schema: S; options: O }
  : never;

const ISOLATION_LEVELS: Record<IsolationLevel, string> = {
  'read committed': 'read committed',
  'repeatable read': 'repeatable read',
  serializable: 'serializable',
};

/**
 * One postgres.js pool with drizzle on top. Every transaction on it (pipelined, `client.begin`,
 * drizzle's `db.transaction`) runs through runReservedTransaction, so a lost connection fails the
 * transaction, not the process. Its use is counted for the pool metrics (see trackPoolUsage).
 * Startup parameters are only the ones PgBouncer passes on (application_name, client_encoding).
 */
export function createDatabase(url: string, options: DatabaseOptions): DatabaseHandle {
  const parsedUrl = new URL(url);
  const isPrepareInUrl = parsedUrl.searchParams.has('prepare');
  const isTls = ['ssl', 'sslmode'].some((key) => !['', 'disable', 'false'].includes(parsedUrl.searchParams.get(key) ?? ''));
  // A session lost while postgres.js reads its array types must not end the process (see there).
  guardArrayTypeFetch();
  const client = postgres(url, {
    max: options.poolSize,
    // A lost session must not poison its connection's next use (see connectionSocket).
    ...(isTls ? {} : { socket: connectionSocket }),
    ...(isPrepareInUrl ? {} : { prepare: options.prepare ?? true }),
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: { application_name: options.applicationName },
  });
  const settings = options.statementTimeoutMs ? [`set local statement_timeout = ${Math.floor(options.statementTimeoutMs)}`] : [];
  const usage = { max: options.poolSize, inFlight: 0 };
  const tracked = trackPoolUsage(withGuardedTransactions(client, settings, options.acquireTimeoutMs), usage);
  const unwatch = options.metricsPool ? watchPool(options.metricsPool, usage) : () => undefined;
  const db = drizzle(tracked, { schema });
  // What drizzle's own transaction() builds a transaction from, reused for a reserved connection.
  const { dialect, schema: relations, options: sessionOptions } = (db as unknown as { session: DrizzleSessionParts }).session;
  /**
   * drizzle's transaction over a reserved connection, as its own transaction() makes it, except
   * that the relational query builders (`tx.query.<table>`: one object per table of the schema,
   * which drizzle's constructor builds for every transaction) are built on first use.
   */
  const newTransaction = (sql: postgres.Sql): Transaction => {
    const session = new PostgresJsSession(sql as never, dialect, relations, sessionOptions) as never;
    const tx = new PostgresJsTransaction(dialect, session, undefined) as unknown as Record<string, unknown>;
    const { schema: tables, fullSchema, tableNamesMap } = relations as unknown as Record<'schema' | 'fullSchema' | 'tableNamesMap', unknown>;
    tx.schema = relations;
    tx._ = { schema: tables, fullSchema, tableNamesMap, session };
    Object.defineProperty(tx, 'query', {
      configurable: true,
      enumerable: true,
      get() {
        const { query } = new PostgresJsTransaction(dialect, session, relations) as unknown as { query: unknown };
        Object.defineProperty(tx, 'query', { configurable: true, enumerable: true, writable: true, value: query });
        return query;
      },
    });
    return tx as unknown as Transaction;
  };
  const pipelinedTransaction = async <T>(
    prelude: TransactionPrelude,
    work: (tx: Transaction) => Promise<T>,
    { isolationLevel }: { isolationLevel?: IsolationLevel } = {},
  ): Promise<T> => {
    usage.inFlight += 1;
    try {
      return await runReservedTransaction(
        client,
        beginStatement(isolationLevel ? `isolation level ${ISOLATION_LEVELS[isolationLevel]}` : '', settings),
        prelude,
        // A drizzle transaction on the guarded reserved connection.
        (sql) => work(newTransaction(sql)),
        options.acquireTimeoutMs,
      );
    } finally {
      usage.inFlight -= 1;
    }
  };
  return {
    db,
    client: tracked,
    pipelinedTransaction,
    close: () => {
      unwatch();
      return client.end({ timeout: 5 });
    },
  };
}
