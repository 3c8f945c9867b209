import { drizzle, PostgresJsDatabase, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { watchPool } from '@tenantry/metrics';
import { trackPoolUsage } from './pool-usage';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A drizzle transaction handle: what repositories run their queries on. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Statements a pipelined transaction sends right after BEGIN, on its own connection. */
export type TransactionPrelude = (sql: postgres.Sql) => postgres.PendingQuery<postgres.Row[]>[];

export interface DatabaseHandle {
  readonly db: Database;
  readonly client: postgres.Sql;
  /**
   * `db.transaction(work)` in fewer round trips: BEGIN, the prelude's statements and the work's
   * first query leave in one write on a reserved connection (postgres.js pipelines them; its own
   * `begin()` waits for BEGIN's answer first), and PostgreSQL runs them in that order. Commits
   * when `work` resolves, rolls back when anything fails. No savepoints (`tx.transaction()`).
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
  /** Per-connection statement_timeout; the roles' own defaults apply when unset. */
  statementTimeoutMs?: number;
  /** The `pool` label of the pool metrics (`app`, `system`); unset: not reported. */
  metricsPool?: string;
}

type DrizzleSessionParts = ConstructorParameters<typeof PostgresJsSession> extends [unknown, infer D, infer S, infer O]
  ? { dialect: D; schema: S; options: O }
  : never;

/** COMMIT found the transaction aborted by an earlier failed statement, and rolled it back. */
export class TransactionRolledBackError extends Error {
  constructor() {
    super('the transaction was rolled back: a statement in it failed');
    this.name = 'TransactionRolledBackError';
  }
}

const ISOLATION_LEVELS: Record<IsolationLevel, string> = {
  'read committed': 'read committed',
  'repeatable read': 'repeatable read',
  serializable: 'serializable',
};

/**
 * One postgres.js pool with drizzle on top. Prepared statements are reused per connection. Its use
 * is counted for the pool metrics (see trackPoolUsage).
 */
export function createDatabase(url: string, options: DatabaseOptions): DatabaseHandle {
  const client = postgres(url, {
    max: options.poolSize,
    prepare: true,
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: {
      application_name: options.applicationName,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  const usage = { max: options.poolSize, inFlight: 0 };
  const tracked = trackPoolUsage(client, usage);
  const unwatch = options.metricsPool ? watchPool(options.metricsPool, usage) : () => undefined;
  const db = drizzle(tracked, { schema });
  // What drizzle's own transaction() builds a transaction from, reused for a reserved connection.
  const { dialect, schema: relations, options: sessionOptions } = (db as unknown as { session: DrizzleSessionParts }).session;
  const pipelinedTransaction = async <T>(
    prelude: TransactionPrelude,
    work: (tx: Transaction) => Promise<T>,
    { isolationLevel }: { isolationLevel?: IsolationLevel } = {},
  ): Promise<T> => {
    usage.inFlight += 1;
    let reserved: postgres.ReservedSql | undefined;
    try {
      reserved = await client.reserve();
      // A query starts when .execute() (or await) hands it to the connection, so the order of
      // these calls is the order on the wire; the work's drizzle queries start later still.
      const begun = reserved.unsafe(isolationLevel ? `begin isolation level ${ISOLATION_LEVELS[isolationLevel]}` : 'begin').execute();
      const preluded = prelude(reserved).map((query) => query.execute());
      // A reserved connection has no savepoint(): the one thing a drizzle transaction over it lacks.
      const session = new PostgresJsSession(reserved as never, dialect, relations, sessionOptions);
      const tx = new PostgresJsTransaction(dialect, session as never, relations) as unknown as Transaction;
      // Everything sent on the connection settles before it is committed, rolled back or released:
      // a query still in flight on a released connection would run in the next user's transaction.
      const [worked, ...sent] = await Promise.allSettled([work(tx), begun, ...preluded]);
      const failure = [worked!, ...sent].find((outcome) => outcome.status === 'rejected');
      if (failure) {
        await reserved`rollback`.catch(() => undefined);
        throw failure.reason;
      }
      // A statement that failed inside the work aborts the transaction even when the work caught its
      // error; PostgreSQL then answers COMMIT with ROLLBACK, which must not pass for a commit.
      const committed = await reserved`commit`;
      if (committed.command !== 'COMMIT') throw new TransactionRolledBackError();
      return (worked as PromiseFulfilledResult<T>).value;
    } finally {
      reserved?.release();
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
