import postgres from 'postgres';
import { isDatabaseUnavailable } from './pg-errors';

/**
 * The connection of a transaction closed under it (a terminated backend, a restart, a failover, a
 * network cut, an idle-in-transaction timeout). Nothing more is sent on it; the error filter
 * answers 503.
 */
export class ConnectionLostError extends Error {
  readonly code = 'CONNECTION_LOST';

  constructor(cause?: unknown) {
    super('the database connection of this transaction was lost', { cause });
    this.name = 'ConnectionLostError';
  }
}

/**
 * No connection was reserved, or the server did not take the transaction's BEGIN, within
 * DB_ACQUIRE_TIMEOUT_MS: every connection of the pool is busy, or the database (or PgBouncer's
 * queue in front of it) is not answering. The error filter answers 503 with Retry-After.
 */
export class ConnectionAcquireTimeoutError extends Error {
  readonly code = 'CONNECTION_ACQUIRE_TIMEOUT';

  constructor(readonly timeoutMs: number) {
    super(`the database took no transaction within ${timeoutMs} ms`);
    this.name = 'ConnectionAcquireTimeoutError';
  }
}

/** COMMIT found the transaction aborted by an earlier failed statement, and rolled it back. */
export class TransactionRolledBackError extends Error {
  constructor() {
    super('the transaction was rolled back: a statement in it failed');
    this.name = 'TransactionRolledBackError';
  }
}

/** Statements a transaction sends right after BEGIN, on its own connection. */
export type TransactionPrelude = (sql: postgres.Sql) => postgres.PendingQuery<postgres.Row[]>[];

/** The part of a postgres.js pool connection this module watches: the pool calls `onclose` once it closed. */
interface PoolConnection {
  onclose?: ((error: unknown) => void) | null;
  /** Fails what is in flight on it (CONNECTION_DESTROYED) and closes its socket; the pool reconnects it later. */
  terminate(): void;
}

type QueryHandler = ((query: GuardedQuery) => unknown) & { debug?: unknown };

/** The postgres.js query internals a guard wraps: the handler that hands a query to its connection. */
interface GuardedQuery {
  handler: QueryHandler;
  reject(error: unknown): void;
}

/**
 * Runs `work` in one transaction on a reserved connection: BEGIN (`begin`, sent with the simple
 * protocol so it may carry `SET LOCAL`s), the prelude's statements and the work's first query
 * leave in one write, and PostgreSQL runs them in that order. Commits when `work` resolves, rolls
 * back when anything fails.
 *
 * Why not postgres.js's own `begin()`/`reserve()` as they are: once a reserved connection has
 * closed, every statement sent on it is written to a socket that no longer exists, from a timer
 * outside any promise (`Cannot read properties of null (reading 'write')`): the process dies. And
 * the pool may already have reconnected that connection for someone else, so a late ROLLBACK
 * could land in another transaction. So the transaction watches its connection (the pool's
 * `onclose` hook on it) and, once it closed, sends nothing more: every later statement of the
 * work is refused with ConnectionLostError, there is no ROLLBACK (PostgreSQL already rolled the
 * transaction back when the session ended), and the connection is not released (the pool owns it
 * again).
 */
export async function runReservedTransaction<T>(
  client: postgres.Sql,
  begin: string,
  prelude: TransactionPrelude,
  work: (sql: postgres.Sql) => Promise<T>,
  acquireTimeoutMs?: number,
): Promise<T> {
  const deadline = acquireTimeoutMs ? Date.now() + acquireTimeoutMs : undefined;
  const reserved = await reserveConnection(client, deadline, acquireTimeoutMs);
  let connection: PoolConnection | undefined;
  let lost: ConnectionLostError | undefined;
  const { sql, failPending } = guardedHandle(reserved, () => lost, (error) => {
    if (isConnectionFailure(error)) markLost(error);
  });
  function markLost(error: unknown): void {
    if (lost) return;
    lost = new ConnectionLostError(error);
    failPending(lost);
  }
  try {
    // A query starts when .execute() (or await) hands it to the connection, so the order of these
    // calls is the order on the wire; the work's queries start later still.
    const begun = reserved
      .unsafe(begin, [], {
        // Called with the pool connection as BEGIN is written: the one place postgres.js shows it.
        onexecute: (pooled: PoolConnection) => {
          connection = pooled;
          pooled.onclose = markLost;
          return true;
        },
      } as never)
      .simple()
      .execute();
    const preluded = prelude(sql).map((query) => query.execute());
    // A BEGIN that is not answered by the deadline (a server that is down or hangs, PgBouncer
    // queueing it while it cannot reach the server) closes this connection: everything sent on it
    // fails at once and the request answers 503, rather than waiting for as long as the pooler does.
    const beginTimer = deadline
      ? setTimeout(() => {
          markLost(new ConnectionAcquireTimeoutError(acquireTimeoutMs!));
          connection?.terminate();
        }, Math.max(0, deadline - Date.now()))
      : undefined;
    void begun.then(
      () => clearTimeout(beginTimer),
      () => clearTimeout(beginTimer),
    );
    // Everything sent on the connection settles before it is committed, rolled back or released:
    // a query still in flight on a released connection would run in the next user's transaction.
    const [worked, ...sent] = await Promise.allSettled([work(sql), begun, ...preluded]);
    const failure = [worked!, ...sent].find((outcome) => outcome.status === 'rejected');
    for (const outcome of [worked!, ...sent]) if (outcome.status === 'rejected' && isConnectionFailure(outcome.reason)) markLost(outcome.reason);
    if (failure) {
      await sql`rollback`.catch(() => undefined);
      // The deadline's own error says why the connection was closed.
      if (lost?.cause instanceof ConnectionAcquireTimeoutError) throw lost.cause;
      throw failure.reason;
    }
    // A statement that failed inside the work aborts the transaction even when the work caught its
    // error; PostgreSQL then answers COMMIT with ROLLBACK, which must not pass for a commit.
    const committed = await sql`commit`;
    if (committed.command !== 'COMMIT') throw new TransactionRolledBackError();
    return (worked as PromiseFulfilledResult<T>).value;
  } finally {
    if (!lost) {
      if (connection) connection.onclose = null;
      reserved.release();
    }
  }
}

/**
 * The connection itself failed (the socket or the session is gone), as opposed to a statement:
 * a driver or socket code, or a FATAL/PANIC from the server (it closes the session next).
 */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ConnectionLostError) return true;
  if (error instanceof postgres.PostgresError) return error.severity === 'FATAL' || error.severity === 'PANIC';
  return isDatabaseUnavailable(error);
}

/**
 * postgres.js keeps the server's error that ended a connection (57P01 after pg_terminate_backend,
 * a restart) and hands it to the first user of that connection once it has reconnected: that
 * user fails although the new session is fine. A server-sent "unavailable" error on reserving is
 * therefore tried once more; a database that is really down answers the second time too.
 * With a deadline, a reservation still waiting at it (every connection busy, or connecting to a
 * server that does not answer) fails with ConnectionAcquireTimeoutError, and the connection, once
 * it comes, goes straight back to the pool.
 */
async function reserveConnection(client: postgres.Sql, deadline: number | undefined, timeoutMs: number | undefined): Promise<postgres.ReservedSql> {
  const attempt = () => (deadline === undefined ? client.reserve() : reserveBy(client, deadline, timeoutMs!));
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof postgres.PostgresError && isDatabaseUnavailable(error)) return attempt();
    throw error;
  }
}

function reserveBy(client: postgres.Sql, deadline: number, timeoutMs: number): Promise<postgres.ReservedSql> {
  // One promise and one timer per reservation (no race between two promises): most reservations
  // are answered at once, and the timer is cleared with the answer.
  return new Promise((resolve, reject) => {
    let isExpired = false;
    const timer = setTimeout(() => {
      isExpired = true;
      reject(new ConnectionAcquireTimeoutError(timeoutMs));
    }, Math.max(0, deadline - Date.now()));
    client.reserve().then(
      (reserved) => {
        clearTimeout(timer);
        // Too late: the connection goes straight back to the pool.
        if (isExpired) reserved.release();
        else resolve(reserved);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * `client.begin(options?, fn)` for a pool whose transactions all run through
 * runReservedTransaction (drizzle's `db.transaction()` calls it), with `settings` (e.g.
 * `set local statement_timeout = 10000`) applied in each.
 */
export function withGuardedTransactions(client: postgres.Sql, settings: string[], acquireTimeoutMs?: number): postgres.Sql {
  const begin = (modeOrWork: unknown, maybeWork?: unknown) => {
    const [mode, work] = typeof modeOrWork === 'function' ? ['', modeOrWork] : [String(modeOrWork ?? ''), maybeWork];
    return runReservedTransaction(
      client,
      beginStatement(mode.replace(/[^a-z ]/gi, ''), settings),
      () => [],
      async (sql) => {
        const result = (work as (sql: postgres.Sql) => unknown)(sql);
        return Array.isArray(result) ? Promise.all(result) : result;
      },
      acquireTimeoutMs,
    );
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'begin') return begin;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** `begin <mode>; set local ...`: one simple-protocol message, so the settings cost no statement of their own. */
export function beginStatement(mode: string, settings: string[]): string {
  return [`begin${mode.trim() ? ` ${mode.trim()}` : ''}`, ...settings].join('; ');
}

/**
 * The reserved handle as the work sees it: each query it makes checks, as it is handed to the
 * connection, that the connection is still there, and is refused otherwise. Nested
 * `savepoint(fn)` (drizzle's `tx.transaction()`) runs on the same guard.
 */
function guardedHandle(
  reserved: postgres.ReservedSql,
  lostError: () => Error | undefined,
  onFailure: (error: unknown) => void,
): { sql: postgres.Sql; failPending: (error: Error) => void } {
  // Handed to the connection and not settled yet. postgres.js keeps a reserved connection's
  // statements in a queue of the reservation while the connection waits for an answer (with
  // prepare off, every statement with parameters makes it wait); when the connection closes,
  // that queue is dropped and its statements never settle, and the request would hang forever.
  const unsettled = new Set<GuardedQuery>();
  const guard = <Q>(query: Q): Q => {
    const internals = query as unknown as GuardedQuery;
    const handler = internals.handler;
    internals.handler = Object.assign(
      (pending: GuardedQuery) => {
        const error = lostError();
        if (error) return pending.reject(error);
        unsettled.add(pending);
        const settled = () => unsettled.delete(pending);
        // Registered as the query is sent, so it runs before the work's own code sees the failure:
        // a statement the work sends after a socket error would otherwise never be answered
        // (postgres.js settles nothing written between a socket's error and its close).
        (pending as unknown as Promise<unknown>).then(settled, (failure: unknown) => {
          settled();
          onFailure(failure);
        });
        return handler(pending);
      },
      { debug: handler.debug },
    );
    return query;
  };
  const failPending = (error: Error) => {
    for (const pending of [...unsettled]) pending.reject(error);
    unsettled.clear();
  };
  let savepoints = 0;
  const savepoint = async (nameOrWork: unknown, maybeWork?: unknown) => {
    const work = (typeof nameOrWork === 'function' ? nameOrWork : maybeWork) as (sql: postgres.Sql) => unknown;
    const name = `s${savepoints++}`;
    await guarded.unsafe(`savepoint ${name}`);
    try {
      const result = await work(guarded);
      await guarded.unsafe(`release savepoint ${name}`);
      return result;
    } catch (error) {
      await guarded.unsafe(`rollback to savepoint ${name}`).catch(() => undefined);
      throw error;
    }
  };
  const guarded: postgres.Sql = new Proxy(reserved, {
    apply(target, thisArg, args: unknown[]) {
      const result = Reflect.apply(target, thisArg, args) as unknown;
      // A tagged template makes a query (a Promise); sql(value) helpers make fragments, not guarded.
      return result instanceof Promise ? guard(result) : result;
    },
    get(target, property, receiver) {
      if (property === 'unsafe') return (...args: Parameters<postgres.Sql['unsafe']>) => guard(target.unsafe(...args));
      if (property === 'savepoint') return savepoint;
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as unknown as postgres.Sql;
  return { sql: guarded, failPending };
}
