import type postgres from 'postgres';

/** Operations holding (or awaiting) a connection of one pool. */
export interface PoolUsage {
  readonly max: number;
  inFlight: number;
}

type Settleable = { then: (onFulfilled?: unknown, onRejected?: unknown) => unknown };

/**
 * Counts a query from its first `then` (postgres.js queries are lazy, Promise subclasses that run
 * once awaited) until it settles.
 */
function countWhileRunning<T extends Settleable>(query: T, usage: PoolUsage): T {
  const then = query.then;
  let isCounted = false;
  query.then = function (this: T, onFulfilled?: unknown, onRejected?: unknown) {
    if (isCounted) return then.call(this, onFulfilled, onRejected);
    isCounted = true;
    usage.inFlight += 1;
    const settled = then.call(
      this,
      (value: unknown) => {
        usage.inFlight -= 1;
        return value;
      },
      (error: unknown) => {
        usage.inFlight -= 1;
        throw error;
      },
    ) as Promise<unknown>;
    return settled.then(onFulfilled as never, onRejected as never);
  };
  return query;
}

/**
 * postgres.js keeps its connection counts private, so the pool's use is counted around what
 * checks a connection out: a transaction (`begin`, held until it commits or rolls back) and a
 * statement outside one (`unsafe`, tagged templates). Statements inside a transaction run on the
 * transaction's own handle and are not counted again.
 */
export function trackPoolUsage(client: postgres.Sql, usage: PoolUsage): postgres.Sql {
  return new Proxy(client, {
    apply(target, thisArg, args: unknown[]) {
      const result = Reflect.apply(target, thisArg, args) as unknown;
      // A tagged template returns a query; sql(value) helpers return fragments that are not thenable.
      return result instanceof Promise ? countWhileRunning(result as unknown as Settleable, usage) : result;
    },
    get(target, property, receiver) {
      if (property === 'begin') {
        // A transaction starts at once and is a native promise (which `await` reads without `then`).
        return (...args: unknown[]) => {
          const transaction = (target.begin as (...a: unknown[]) => Promise<unknown>)(...args);
          usage.inFlight += 1;
          const release = () => {
            usage.inFlight -= 1;
          };
          transaction.then(release, release);
          return transaction;
        };
      }
      if (property === 'unsafe') {
        return (...args: unknown[]) => countWhileRunning((target.unsafe as (...a: unknown[]) => Settleable)(...args), usage);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
