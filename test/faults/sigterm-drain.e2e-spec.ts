import { keepAliveLoad } from '../support/keep-alive-load';
import { waitFor } from '../support/metering';
import { FaultStack, StackTenant } from './support/fault-stack';
import type { ProductProcess } from './support/product-process';

const SHUTDOWN_TIMEOUT_MS = 6000;
const CLIENTS = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A rolling deploy's stop of the compiled API behind PgBouncer: SIGTERM while keep-alive clients
 * keep sending. The process exits 0 within SHUTDOWN_TIMEOUT_MS, no request sent on an open
 * connection is dropped, and the worker rolls up exactly as many api_calls as were answered (the
 * flush interval is far beyond the test: only the shutdown's own flush delivers them).
 */
describe('SIGTERM of the compiled API under keep-alive load', () => {
  const stack = new FaultStack({ pgbouncer: { defaultPoolSize: 4 } });
  let api: ProductProcess;
  let base: string;
  let worker: ProductProcess;
  let tenant: StackTenant;

  beforeAll(async () => {
    await stack.start();
    ({ api, base } = await stack.startApi({ SHUTDOWN_GRACE_MS: '1000', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), METERING_FLUSH_INTERVAL_MS: '60000' }));
    worker = await stack.startWorker();
    [tenant] = await stack.createTenants(base, 1, 'drain');
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
  }, 60_000);

  it('exits within SHUTDOWN_TIMEOUT_MS, drops no kept-alive request, and every answer is rolled up', async () => {
    const load = keepAliveLoad(`${base}/v1/projects`, { authorization: tenant!.auth }, CLIENTS);
    // The load under way, its clients answered on their kept-alive connections, before the signal.
    await waitFor('the keep-alive load to be answered', async () => (load.result.statuses[200] ?? 0) >= 2 * CLIENTS, 60_000);
    const signalledAt = Date.now();
    api.signal('SIGTERM');
    const results = await load.done;
    const exit = await api.exited;
    const answered = Object.values(results.statuses).reduce((sum, n) => sum + n, 0);

    const deadline = Date.now() + 60_000;
    let rolledUp = await stack.rolledUpApiCalls([tenant!.id]);
    while (rolledUp < answered && Date.now() < deadline) {
      await sleep(250);
      rolledUp = await stack.rolledUpApiCalls([tenant!.id]);
    }
    console.log(
      `[sigterm drain] answered ${answered} ${JSON.stringify(results.statuses)}, refused ${JSON.stringify(results.errors)}, ` +
        `Connection: close answers ${results.closeAnswers}, last answer ${results.lastAnswerAt - signalledAt} ms and exit ${exit.at - signalledAt} ms after SIGTERM (code ${exit.code}); ` +
        `usage events sent ${answered}, rolled up ${rolledUp}`,
    );
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2000);
    // Only connections the server never accepted end in an error; no request on an open one is lost.
    expect(Object.keys(results.errors).filter((key) => !['new:ECONNREFUSED', 'new:ECONNRESET'].includes(key))).toEqual([]);
    expect(Object.keys(results.statuses)).toEqual(['200']);
    expect(results.closeAnswers).toBeGreaterThanOrEqual(CLIENTS);
    expect(answered).toBeGreaterThan(0);
    expect(rolledUp).toBe(answered);
    expect(worker.isAlive ? '' : worker.describe()).toBe('');
  }, 120_000);
});
