import { Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/** How long a scrape waits for Redis to count the queues' jobs: an outage must never hang /metrics. */
export const QUEUE_COUNTS_TIMEOUT_MS = 1000;

export const tenantTransactionDuration = new Histogram({
  name: 'tenantry_tenant_transaction_duration_seconds',
  help: 'Duration of tenant transactions (TenantTransaction.run: connection wait, set_config, the work, commit), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Runs one tenant transaction and observes its duration as `commit` or `rollback`. */
export async function timeTenantTransaction<T>(transaction: () => Promise<T>): Promise<T> {
  const stop = tenantTransactionDuration.startTimer();
  try {
    const result = await transaction();
    stop({ outcome: 'commit' });
    return result;
  } catch (error) {
    stop({ outcome: 'rollback' });
    throw error;
  }
}

/** What a database pool reports: its size and the operations holding or awaiting a connection. */
export interface PoolUsageSource {
  readonly max: number;
  /** Transactions and statements outside transactions that have started and not yet settled. */
  readonly inFlight: number;
}

const pools = new Map<string, PoolUsageSource>();

/** Reports a pool (`app`, `system`) on every scrape until the returned function is called. */
export function watchPool(pool: string, source: PoolUsageSource): () => void {
  pools.set(pool, source);
  return () => {
    if (pools.get(pool) === source) pools.delete(pool);
  };
}

const eachPool = (gauge: Gauge<'pool'>, value: (source: PoolUsageSource) => number) => {
  gauge.reset();
  for (const [pool, source] of pools) gauge.set({ pool }, value(source));
};

// postgres.js exposes no connection counts, so these are counted around the pool's transactions
// and statements (see trackPoolUsage in @tenantry/db); the help texts say what they measure.
new Gauge({
  name: 'tenantry_db_pool_max_connections',
  help: 'Configured size of the database pool (DB_POOL_SIZE, SYSTEM_DB_POOL_SIZE)',
  labelNames: ['pool'] as const,
  registers: [metricsRegistry],
  collect() {
    eachPool(this, (source) => source.max);
  },
});

new Gauge({
  name: 'tenantry_db_pool_connections_in_use',
  help: 'Connections of the pool checked out by a transaction or a statement outside one, at scrape time (operations in flight, capped at the pool size)',
  labelNames: ['pool'] as const,
  registers: [metricsRegistry],
  collect() {
    eachPool(this, (source) => Math.min(source.inFlight, source.max));
  },
});

new Gauge({
  name: 'tenantry_db_pool_connections_idle',
  help: 'Pool capacity not checked out at scrape time (size minus in use): open idle connections plus ones the lazy pool has not opened yet',
  labelNames: ['pool'] as const,
  registers: [metricsRegistry],
  collect() {
    eachPool(this, (source) => Math.max(source.max - source.inFlight, 0));
  },
});

new Gauge({
  name: 'tenantry_db_pool_waiting',
  help: 'Operations in flight beyond the pool size at scrape time: queued for, or pipelined onto, a busy connection',
  labelNames: ['pool'] as const,
  registers: [metricsRegistry],
  collect() {
    eachPool(this, (source) => Math.max(source.inFlight - source.max, 0));
  },
});

/**
 * A value the series of a scrape read once together (prom-client collects them concurrently),
 * from a source a process registers with `watch`, bounded by `timeoutMs` so a slow dependency
 * never hangs /metrics: `read` answers undefined when the source failed or was slow, and
 * `whenUnwatched` while none is registered.
 */
export function scrapeTimeSource<T>(timeoutMs: number, whenUnwatched: T | undefined): { watch(source: () => Promise<T>): () => void; read(): Promise<T | undefined> } {
  let current: (() => Promise<T>) | undefined;
  let reading: Promise<T | undefined> | undefined;
  return {
    watch(source) {
      current = source;
      return () => {
        if (current === source) current = undefined;
      };
    },
    read() {
      if (reading) return reading;
      const source = current;
      if (!source) return Promise.resolve(whenUnwatched);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      });
      reading = Promise.race([source(), timeout])
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          reading = undefined;
        });
      return reading;
    },
  };
}

/** Job counts per queue and state, e.g. `{ 'tenant-purge': { waiting: 0, active: 1, ... } }`. */
export type QueueCountsSource = () => Promise<Record<string, Record<string, number>>>;

const queueCounts = scrapeTimeSource<Record<string, Record<string, number>>>(QUEUE_COUNTS_TIMEOUT_MS, {});

/** Reports the queues' job counts on every scrape until the returned function is called. */
export const watchQueues = (source: QueueCountsSource): (() => void) => queueCounts.watch(source);

new Gauge({
  name: 'tenantry_queue_counts_available',
  help: `1 when this scrape read every queue's job counts from Redis, 0 when Redis failed or took over ${QUEUE_COUNTS_TIMEOUT_MS} ms (tenantry_queue_jobs is then absent)`,
  registers: [metricsRegistry],
  async collect() {
    this.set((await queueCounts.read()) ? 1 : 0);
  },
});

new Gauge({
  name: 'tenantry_queue_jobs',
  help: 'Jobs per BullMQ queue and state (waiting, active, delayed: the depth; completed, failed: kept in their sets), read from Redis at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    const counts = await queueCounts.read();
    this.reset();
    for (const [queue, states] of Object.entries(counts ?? {})) {
      for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
    }
  },
});
