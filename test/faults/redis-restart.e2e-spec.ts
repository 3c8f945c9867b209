import { randomBytes } from 'node:crypto';
import {
  AUDIT_RETENTION_QUEUE,
  EVENT_RETENTION_QUEUE,
  MAIL_QUEUE,
  PURGE_QUEUE,
  SafeQueue,
  USAGE_QUOTA_QUEUE,
} from '@tenantry/queues';
import { freePort, OwnRedis } from '../support/own-redis';
import { SpawnedProcess, spawnEntryPoint } from '../support/spawned-process';
import { CompiledBuild, compiledBuild } from './support/compiled-build';

/** Every job scheduler the worker keeps, by queue. */
const SCHEDULERS: Record<string, string> = {
  [USAGE_QUOTA_QUEUE]: 'usage-quota-evaluation',
  [MAIL_QUEUE]: 'mail-sweep',
  [EVENT_RETENTION_QUEUE]: 'event-retention-daily',
  [AUDIT_RETENTION_QUEUE]: 'audit-retention-daily',
  [PURGE_QUEUE]: 'purge-sweep',
};

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, worker: SpawnedProcess): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - startedAt;
    if (!worker.isRunning) throw new Error(`the worker exited while waiting for ${what}:\n${worker.output}`);
    if (Date.now() - startedAt > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms\n${worker.output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A Redis restarted empty (no persistence, a blank replica promoted) forgets every job scheduler.
 * The worker registers them again as soon as it is connected to the new Redis, without a restart,
 * and its consumers take the scheduled jobs on the new Redis.
 */
describe('an empty Redis restart', () => {
  const prefix = `tenantry-redis-restart-${randomBytes(4).toString('hex')}`;
  let redis: OwnRedis;
  let worker: SpawnedProcess;

  const schedulerIdsByQueue = async () => {
    const found: Record<string, string> = {};
    for (const queueName of Object.keys(SCHEDULERS)) {
      const queue = new SafeQueue(queueName, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 }, prefix: `{${prefix}}` });
      queue.on('error', () => undefined);
      try {
        const schedulers = await queue.getJobSchedulers();
        const ids = schedulers.map((scheduler) => scheduler.key);
        if (ids.includes(SCHEDULERS[queueName]!)) found[queueName] = SCHEDULERS[queueName]!;
      } finally {
        await queue.close();
      }
    }
    return found;
  };

  const completedQuotaEvaluations = async () => {
    const queue = new SafeQueue(USAGE_QUOTA_QUEUE, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 }, prefix: `{${prefix}}` });
    queue.on('error', () => undefined);
    try {
      return (await queue.getJobCounts('completed')).completed ?? 0;
    } finally {
      await queue.close();
    }
  };

  // The compiled processes, as production runs them (built once per source state, shared by the fault suites).
  let build: CompiledBuild;

  beforeAll(async () => {
    build = await compiledBuild();
    redis = new OwnRedis(await freePort());
    await redis.start();
  }, 600_000);

  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it('brings every job scheduler back within seconds, and the worker keeps running', async () => {
    const workerPort = await freePort();
    const readiness = async () => {
      const response = await fetch(`http://127.0.0.1:${workerPort}/health/ready`);
      return { status: response.status, body: (await response.json()) as { error?: Record<string, unknown> } };
    };
    worker = spawnEntryPoint('worker', {
      NODE_ENV: 'production',
      MAIL_DISABLED: 'true',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      WORKER_PORT: String(workerPort),
      // A scheduled job every second shows the consumers work on the new Redis too.
      QUOTA_EVALUATION_INTERVAL_MS: '1000',
    }, build);
    await worker.waitFor(/processing usage-events/);
    expect(await schedulerIdsByQueue()).toEqual(SCHEDULERS);
    await waitUntil('a quota evaluation before the restart', async () => (await completedQuotaEvaluations()) > 0, 20_000, worker);

    expect((await readiness()).status).toBe(200);

    await redis.stop();
    // Down for a moment: the worker's connections fail and retry, and readiness says so.
    await waitUntil('readiness 503 naming Redis', async () => {
      const { status, body } = await readiness();
      return status === 503 && body.error?.redis !== undefined;
    }, 30_000, worker);
    await redis.start();

    const backAfterMs = await waitUntil(
      'every job scheduler on the new Redis',
      async () => JSON.stringify(await schedulerIdsByQueue()) === JSON.stringify(SCHEDULERS),
      15_000,
      worker,
    );
    console.log(`[redis-restart] ${Object.keys(SCHEDULERS).length} job schedulers back ${backAfterMs} ms after the empty Redis answered`);
    await waitUntil('a quota evaluation on the new Redis', async () => (await completedQuotaEvaluations()) > 0, 20_000, worker);
    await waitUntil('readiness 200 again', async () => (await readiness()).status === 200, 30_000, worker);
    expect(worker.isRunning).toBe(true);
    expect(worker.output).not.toMatch(/Unhandled|uncaught/i);

    // SIGTERM still ends the worker cleanly.
    await worker.stop('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
