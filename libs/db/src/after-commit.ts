/** Work to do once a transaction has committed (a cache to drop, an event to hand to a queue). */
export type AfterCommitCallback = () => unknown;

export interface AfterCommitOptions {
  /**
   * The transaction's `run` resolves only once this callback has settled (its failure is still
   * logged, never thrown): for work whose effect the caller's answer promises, such as the bump
   * that makes every API process re-check a tenant's access on its next request.
   */
  isAwaited?: boolean;
}

export interface AfterCommitWork {
  callback: AfterCommitCallback;
  isAwaited: boolean;
}

/**
 * Runs the callbacks of a committed transaction, in order. A callback that throws (or rejects) is
 * logged and passed over: the transaction is committed, so its caller must not see an error.
 * Answers the transaction's `result`: once the awaited callbacks have settled when there are any,
 * at once otherwise (a transaction without one resolves without waiting on anything).
 */
export function runAfterCommit<T>(work: readonly AfterCommitWork[], logger: { error(message: string): void }, result: T): T | Promise<T> {
  const report = (error: unknown) =>
    logger.error(`an after-commit callback failed (the transaction stays committed): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  let awaited: Promise<unknown>[] | undefined;
  for (const { callback, isAwaited } of work) {
    try {
      const pending = callback();
      if (pending instanceof Promise) {
        const settled = pending.catch(report);
        if (isAwaited) (awaited ??= []).push(settled);
      }
    } catch (error) {
      report(error);
    }
  }
  return awaited ? Promise.all(awaited).then(() => result) : result;
}
