/**
 * A call to Redis (or any other dependency) that must not wait forever: rejects with
 * "<what> did not answer within <ms> ms" when `work` has not settled by then. `work` itself runs on.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
