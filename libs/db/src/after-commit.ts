/** Work to do once a transaction has committed (a cache to drop, an event to hand to a queue). */
export type AfterCommitCallback = () => unknown;

/**
 * Runs the callbacks of a committed transaction, in order. A callback that throws (or rejects) is
 * logged and passed over: the transaction is committed, so its caller must not see an error.
 */
export function runAfterCommit(callbacks: readonly AfterCommitCallback[], logger: { error(message: string): void }): void {
  const report = (error: unknown) =>
    logger.error(`an after-commit callback failed (the transaction stays committed): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const callback of callbacks) {
    try {
      const pending = callback();
      if (pending instanceof Promise) pending.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
