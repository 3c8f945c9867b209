import { randomBytes } from 'node:crypto';
import { freePort } from '../support/own-redis';
import { SpawnedProcess, spawnEntryPoint } from '../support/spawned-process';

const METRICS_TOKEN = randomBytes(16).toString('hex');
const BOOT_TIMEOUT_MS = 180_000;

/**
 * The worker as operators run it (`npm run start:worker`, production): probes and metrics on
 * WORKER_PORT, JSON log lines like the API's, and SIGTERM ending it with exit code 0 after the
 * HTTP server closed.
 */
describe('the worker process', () => {
  let worker: SpawnedProcess;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    worker = spawnEntryPoint('worker', { NODE_ENV: 'production', MAIL_DISABLED: 'true', WORKER_PORT: String(port), METRICS_TOKEN, LOG_LEVEL: 'info' });
    await worker.waitFor(/processing usage-events/, BOOT_TIMEOUT_MS);
  }, BOOT_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await worker?.stop();
  });

  it('answers /health/live and /health/ready in the API shape', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { shutdown: { status: 'up' }, postgres: { status: 'up' }, redis: { status: 'up' } },
      error: {},
    });
  });

  it('serves its metrics to the token holder only: queue job counts and the worker series', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    const scrape = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scrape.text();
    for (const series of [
      'tenantry_queue_counts_available 1',
      'tenantry_queue_jobs{queue="usage-events",state="waiting"}',
      'tenantry_queue_jobs{queue="mail",state="failed"}',
      '# TYPE tenantry_webhook_deliveries_in_flight gauge',
      '# TYPE tenantry_metering_rolled_up_events_total counter',
      '# TYPE tenantry_webhook_delivery_attempts_total counter',
      'tenantry_webhook_deliveries_due{counted="database"} ',
      'tenantry_webhook_events_undispatched{counted="database"} ',
      'tenantry_db_pool_max_connections{pool="system"}',
      'process_resident_memory_bytes',
    ]) {
      expect({ series, found: text.includes(series) }).toEqual({ series, found: true });
    }
  });

  it('logs JSON lines, as the API does in production', () => {
    const lines = worker.output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      const parsed = (() => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })();
      expect({ line, isJson: typeof parsed?.level === 'number' && typeof parsed?.msg === 'string' }).toEqual({ line, isJson: true });
    }
    expect(worker.output).toMatch(/"msg":"processing usage-events/);
  });

  it('ends on SIGTERM with exit code 0, its HTTP server closed', async () => {
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.output).toMatch(/"msg":"SIGTERM: finishing current jobs"/);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  }, 60_000);
});
