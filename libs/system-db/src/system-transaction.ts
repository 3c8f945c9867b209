import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { AfterCommitCallback, AfterCommitOptions, AfterCommitWork, DatabaseHandle, IsolationLevel, runAfterCommit, Transaction } from '@tenantry/db';
import { SYSTEM_DATABASE } from './system-database';

const ACTIVE = 'system.transaction';

interface ActiveSystemTransaction {
  tx: Transaction;
  afterCommit: AfterCommitWork[];
}

/** A system repository ran outside a system transaction: a programming error, never a stray statement. */
export class MissingSystemTransactionError extends Error {
  constructor() {
    super('No system transaction is active: system repositories must run inside SystemTransaction.run()');
    this.name = 'MissingSystemTransactionError';
  }
}

/**
 * The system side's TenantTransaction: work on the BYPASSRLS pool runs in one transaction held in
 * the async context (nestjs-cls), repositories take their handle from `tx`, and `tx` throws outside
 * a system transaction, so a forgotten argument can never run a statement beside the transaction
 * that holds a row lock. Keep transactions short: slow I/O (hashing, Redis, HTTP) goes before or
 * after `run`, or into `afterCommit`.
 */
@Injectable()
export class SystemTransaction {
  private readonly logger = new Logger(SystemTransaction.name);

  constructor(
    @Inject(SYSTEM_DATABASE) private readonly database: DatabaseHandle,
    private readonly cls: ClsService,
  ) {}

  /** Runs `work` in one system transaction: commits when it resolves, rolls back when it throws. */
  run<T>(work: (tx: Transaction) => Promise<T>, options: { isolationLevel?: IsolationLevel } = {}): Promise<T> {
    if (this.isActive) {
      throw new Error('SystemTransaction.run: a system transaction is already active in this context');
    }
    const afterCommit: AfterCommitWork[] = [];
    return this.cls
      .run({ ifNested: 'inherit' }, () =>
        this.database.pipelinedTransaction(
          () => [],
          async (tx) => {
            this.cls.set<ActiveSystemTransaction>(ACTIVE, { tx, afterCommit });
            try {
              return await work(tx);
            } finally {
              this.cls.set(ACTIVE, undefined);
            }
          },
          options,
        ),
      )
      .then((result) => runAfterCommit(afterCommit, this.logger, result));
  }

  /**
   * Runs `callback` once the active system transaction has committed; never if it rolls back. A
   * callback that throws is logged and passed over: the change is committed already.
   * `isAwaited`: `run` waits for it.
   */
  afterCommit(callback: AfterCommitCallback, options: AfterCommitOptions = {}): void {
    this.active().afterCommit.push({ callback, isAwaited: options.isAwaited === true });
  }

  /** The active system transaction; throws MissingSystemTransactionError outside one. */
  get tx(): Transaction {
    return this.active().tx;
  }

  get isActive(): boolean {
    return this.cls.isActive() && this.cls.get<ActiveSystemTransaction | undefined>(ACTIVE) !== undefined;
  }

  private active(): ActiveSystemTransaction {
    const current = this.cls.isActive() ? this.cls.get<ActiveSystemTransaction | undefined>(ACTIVE) : undefined;
    if (!current) throw new MissingSystemTransactionError();
    return current;
  }
}
