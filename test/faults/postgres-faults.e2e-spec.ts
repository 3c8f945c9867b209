import { FaultStack, StackTenant } from './support/fault-stack';
import { LoadRequest, SLOW_MS, startLoad, summary } from './support/load';
import type { ProductProcess } from './support/product-process';

const TENANTS = 6;
const CONCURRENCY = 24;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL failing under load behind PgBouncer (transaction mode, PgBouncer's own default
 * timeouts), on the compiled API and worker: busy backends terminated, then the server restarted.
 * What an operator checks: both processes still running, every request answered within ~10 s with
 * a 2xx or a 503 that says when to retry (never a 500, never a hang), service back by itself once
 * the database is, and the usage the API metered all rolled up by the worker.
 */
describe('PostgreSQL faults under load through PgBouncer', () => {
  const stack = new FaultStack({ pgbouncer: { defaultPoolSize: 4 } });
  let api: ProductProcess;
  let base: string;
  let worker: ProductProcess;
  let tenants: StackTenant[];
  const sentTotal = { answered: 0 };

  const request = (i: number): LoadRequest => {
    const tenant = tenants[i % TENANTS]!;
    const headers = { authorization: tenant.auth };
    switch (Math.floor(i / TENANTS) % 3) {
      case 0:
        return { path: `${base}/v1/projects?limit=20`, headers };
      case 1:
        return { path: `${base}/v1/projects`, method: 'POST', headers, body: { name: `${tenant.slug} ${i}` } };
      default:
        return { path: `${base}/v1/me`, headers };
    }
  };

  /** Once the database is back: 60 requests in a row, all 2xx, on the processes that lived through the fault. */
  const expectRecovered = async () => {
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${base}/health/ready`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`the API did not become ready again: ${api.describe()}`);
      await sleep(200);
    }
    const after = await startLoad('', 4, request, 60).done;
    sentTotal.answered += after.answered;
    expect(after.statuses).toEqual({ 200: 42, 201: 18 });
  };

  const expectOnly2xxAnd503 = (name: string, figures: Awaited<ReturnType<ReturnType<typeof startLoad>['stop']>>) => {
    sentTotal.answered += figures.answered;
    console.log(`[postgres faults] ${name}: ${summary(figures)}; API ${api.isAlive ? 'alive' : 'dead'}, worker ${worker.isAlive ? 'alive' : 'dead'}`);
    expect(api.isAlive ? '' : api.describe()).toBe('');
    expect(worker.isAlive ? '' : worker.describe()).toBe('');
    expect(figures.errors).toEqual({});
    expect(Object.keys(figures.statuses).filter((status) => !['200', '201', '503'].includes(status))).toEqual([]);
    expect(figures.missingRetryAfter).toBe(0);
    expect(figures.maxLatencyMs).toBeLessThan(SLOW_MS);
  };

  beforeAll(async () => {
    await stack.start();
    ({ api, base } = await stack.startApi());
    worker = await stack.startWorker();
    tenants = await stack.createTenants(base, TENANTS, 'fault');
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
  }, 60_000);

  it('survives pg_terminate_backend of busy backends', async () => {
    const load = startLoad('', CONCURRENCY, request);
    await sleep(1500);
    let terminated = 0;
    for (let round = 0; round < 10; round += 1) {
      terminated += await stack.postgres.terminate(`datname = 'tenantry' and backend_type = 'client backend' and state <> 'idle'`);
      await sleep(400);
    }
    await sleep(1000);
    const figures = await load.stop();
    console.log(`[postgres faults] terminated ${terminated} busy backends`);
    expect(terminated).toBeGreaterThan(0);
    expectOnly2xxAnd503('pg_terminate_backend', figures);
    await expectRecovered();
  }, 120_000);

  it('survives pg_ctl restart -m fast', async () => {
    const load = startLoad('', CONCURRENCY, request);
    await sleep(1500);
    const restartedAt = Date.now();
    await stack.postgres.restart();
    const restartMs = Date.now() - restartedAt;
    await sleep(3000);
    const figures = await load.stop();
    console.log(`[postgres faults] restart took ${restartMs} ms`);
    expectOnly2xxAnd503('pg_ctl restart -m fast', figures);
    await expectRecovered();
  }, 120_000);

  it('rolls up every usage event the API metered, after both faults', async () => {
    const ids = tenants.map((tenant) => tenant.id);
    const deadline = Date.now() + 60_000;
    let rolledUp = await stack.rolledUpApiCalls(ids);
    while (rolledUp < sentTotal.answered && Date.now() < deadline) {
      await sleep(250);
      rolledUp = await stack.rolledUpApiCalls(ids);
    }
    console.log(`[postgres faults] usage events sent ${sentTotal.answered}, rolled up ${rolledUp}; worker ${worker.isAlive ? 'alive' : 'dead'}`);
    expect(worker.isAlive ? '' : worker.describe()).toBe('');
    expect(rolledUp).toBe(sentTotal.answered);
  }, 90_000);
});
