import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type postgres from 'postgres';
import { AfterCommitCallback, AfterCommitOptions, AfterCommitWork, APP_DATABASE, DatabaseHandle, IsolationLevel, runAfterCommit, Transaction, TransactionRolledBackError } from '@tenantry/db';
import { timeTenantTransaction } from '@tenantry/metrics';
import { MissingTenantTransactionError, TenantScope, UUID_PATTERN } from './tenant-context';

const ACTIVE = 'tenancy.transaction';
const REQUEST_SCOPE = 'tenancy.requestScope';

interface ActiveTenantTransaction {
  tx: Transaction;
  scope: TenantScope;
  afterCommit: AfterCommitWork[];
  /** Run in order once the work has succeeded, right before COMMIT (see `beforeCommit`). */
  beforeCommit: (() => void)[];
  /** Statements sent and not awaited by their writer (see `alongside`): COMMIT follows them, and the transaction fails with the first one that fails. */
  alongside: Promise<unknown>[];
}

/** The first failure among statements sent alongside, if any failed: it is what broke the transaction. */
async function firstFailure(statements: readonly Promise<unknown>[]): Promise<unknown> {
  for (const statement of statements) {
    try {
      await statement;
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

/**
 * The one statement that sets a tenant (and its acting user) for the rest of the current
 * transaction: `set_config(..., true)`, transaction-local. TenantTransaction sends it after BEGIN;
 * code that must drive postgres.js itself (the usage rollup, several tenants in one transaction)
 * sends it before each tenant's statements. Refuses anything but a uuid, like TenantTransaction.run.
 */
export function setTenantScope(connection: postgres.Sql | postgres.TransactionSql, scope: TenantScope): postgres.PendingQuery<postgres.Row[]> {
  if (!UUID_PATTERN.test(scope.tenantId)) {
    throw new Error(`setTenantScope: tenantId must be a uuid, got ${JSON.stringify(scope.tenantId)}`);
  }
  // Both call the same tagged template; only their other members differ.
  const sql = connection as postgres.Sql;
  return sql`select set_config('app.current_tenant_id', ${scope.tenantId}, true), set_config('app.current_user_id', ${scope.userId ?? ''}, true)`;
}

/**
 * Runs work in one database transaction bound to one tenant. The tenant is set with
 * set_config(..., true): transaction-local, so a pooled connection can never carry it into the
 * next transaction (and PgBouncer transaction pooling stays safe). Repositories take their
 * handle from `tx`, which throws when no tenant transaction is active.
 */
@Injectable()
export class TenantTransaction {
  private readonly logger = new Logger(TenantTransaction.name);

  constructor(
    @Inject(APP_DATABASE) private readonly database: DatabaseHandle,
    private readonly cls: ClsService,
  ) {}

  run<T>(
    scope: TenantScope,
    work: (tx: Transaction) => Promise<T>,
    options: { isolationLevel?: IsolationLevel } = {},
  ): Promise<T> {
    if (!UUID_PATTERN.test(scope.tenantId)) {
      throw new Error(`TenantTransaction.run: tenantId must be a uuid, got ${JSON.stringify(scope.tenantId)}`);
    }
    if (this.cls.isActive() && this.cls.get<ActiveTenantTransaction | undefined>(ACTIVE)) {
      throw new Error('TenantTransaction.run: a tenant transaction is already active in this context');
    }
    const afterCommit: AfterCommitWork[] = [];
    const alongside: Promise<unknown>[] = [];
    const beforeCommit: (() => void)[] = [];
    return timeTenantTransaction(() =>
      this.cls.run({ ifNested: 'inherit' }, () =>
        // BEGIN, set_config and the work's first query (for a request: the tenant and user check)
        // leave in one round trip. PostgreSQL runs them in order, so that query already sees the
        // tenant. Should set_config fail, the aborted transaction fails every later query; should
        // BEGIN fail, the error rolls the work back and any statement that ran saw no tenant,
        // which the policies answer with no rows and refused writes.
        this.database
          .pipelinedTransaction(
            (sql) => [setTenantScope(sql, scope)],
            async (tx) => {
              this.cls.set<ActiveTenantTransaction>(ACTIVE, { tx, scope, afterCommit, beforeCommit, alongside });
              try {
                const result = await work(tx);
                // Synchronous, so what they send leaves in the same write as COMMIT.
                for (const callback of beforeCommit) callback();
                return result;
              } catch (error) {
                // A statement sent alongside failed first: the later ones only saw the aborted transaction.
                throw (await firstFailure(alongside)) ?? error;
              } finally {
                this.cls.set(ACTIVE, undefined);
              }
            },
            options,
          )
          // COMMIT leaves right behind the statements sent alongside that are still under way (no
          // round trip of its own for them). PostgreSQL answers them in order: should one fail, the
          // transaction is aborted and COMMIT is answered with ROLLBACK (TransactionRolledBackError),
          // and the transaction fails with that statement's own error.
          .catch(async (error: unknown) => {
            throw (error instanceof TransactionRolledBackError && (await firstFailure(alongside))) || error;
          }),
      ),
    ).then((result) => runAfterCommit(afterCommit, this.logger, result));
  }

  /**
   * Runs `work` with the scope of the current request available to runForRequest, outside any
   * transaction: for routes marked @TenantTransactionsInService, after their checks.
   */
  withRequestScope<T>(scope: TenantScope, work: () => Promise<T>): Promise<T> {
    return this.cls.run({ ifNested: 'inherit' }, () => {
      this.cls.set(REQUEST_SCOPE, scope);
      return work();
    });
  }

  /** One short tenant transaction in the current request's scope (see withRequestScope). */
  runForRequest<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const scope = this.cls.isActive() ? this.cls.get<TenantScope | undefined>(REQUEST_SCOPE) : undefined;
    if (!scope) throw new MissingTenantTransactionError();
    return this.run(scope, work);
  }

  /**
   * Runs `callback` once the active tenant transaction has committed; never if it rolls back. A
   * callback that throws is logged and passed over: the request's change is committed already.
   * `isAwaited`: `run` (and so the request's answer) waits for it.
   */
  afterCommit(callback: AfterCommitCallback, options: AfterCommitOptions = {}): void {
    this.active().afterCommit.push({ callback, isAwaited: options.isAwaited === true });
  }

  /**
   * Runs `callback` once the active tenant transaction's work has succeeded, right before COMMIT
   * (callbacks in the order registered; never when the work fails): for statements gathered during
   * the work and sent alongside at its end, so that they leave in the same socket write as COMMIT
   * (the event log's inserts). A callback that throws, or a statement it sends that fails, rolls
   * the transaction back and the transaction fails with that error.
   */
  beforeCommit(callback: () => void): void {
    this.active().beforeCommit.push(callback);
  }

  /**
   * A statement of the active transaction that its writer does not wait for: it is sent now and
   * goes to the server with the statement after it, COMMIT included (no round trip of its own), so
   * it commits with the rest or, failing, rolls everything back and the transaction fails with its
   * error. For writes whose result nothing in the request reads (the event log's inserts).
   */
  alongside(statement: Promise<unknown>): void {
    const active = this.active();
    // Its failure is reported by run (see there): never an unhandled rejection meanwhile.
    statement.catch(() => undefined);
    active.alongside.push(statement);
  }

  /** The active tenant transaction; throws MissingTenantTransactionError outside one. */
  get tx(): Transaction {
    return this.active().tx;
  }

  get tenantId(): string {
    return this.active().scope.tenantId;
  }

  get userId(): string | undefined {
    return this.active().scope.userId;
  }

  get isActive(): boolean {
    return this.cls.isActive() && this.cls.get<ActiveTenantTransaction | undefined>(ACTIVE) !== undefined;
  }

  private active(): ActiveTenantTransaction {
    const current = this.cls.isActive() ? this.cls.get<ActiveTenantTransaction | undefined>(ACTIVE) : undefined;
    if (!current) throw new MissingTenantTransactionError();
    return current;
  }
}
