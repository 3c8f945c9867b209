/**
 * A call to Redis (or any other dependency) that must not wait forever: rejects with
 * "<what> did not answer within <ms> ms" when `work` has not settled by then. `work` itself runs on.
 * One promise (two with `work`'s `then`) and one timer: a `Promise.race` with a timeout promise and
 * `finally` made seven, each run through the async-context hooks, on every request's rate limit.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
