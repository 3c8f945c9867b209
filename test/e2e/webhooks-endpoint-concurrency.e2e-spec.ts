import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { createTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

// One attempt at a time per worker: two in flight at once needs two workers, three would mean the limit failed.
const WORKER_ENV = { WEBHOOK_WORKER_CONCURRENCY: '1', WEBHOOK_ENDPOINT_CONCURRENCY: '2', WEBHOOK_DISPATCH_INTERVAL_MS: '50' };

async function startWorker(): Promise<TestingModule> {
  const saved = Object.fromEntries(Object.keys(WORKER_ENV).map((key) => [key, process.env[key]]));
  Object.assign(process.env, WORKER_ENV);
  try {
    return await createTestWorker();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** WEBHOOK_ENDPOINT_CONCURRENCY holds across worker instances, not per process. */
describe('per-endpoint concurrency across worker instances', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const workers: TestingModule[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await receiver.close();
    await t.close();
  });

  it('never has more than the limit in flight to one endpoint across three workers, and another endpoint is not held up', async () => {
    const [busy, other] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    const [busyPath, otherPath] = [`/busy-${randomUUID()}`, `/other-${randomUUID()}`];
    receiver.behave(busyPath, 'brief'); // 250 ms per request: attempts overlap
    for (const [tenant, path] of [[busy, busyPath], [other, otherPath]] as const) {
      const response = await t.http().post('/v1/webhooks').set('authorization', tenant.owner.auth).send({ url: receiver.url(path), events: ['project.created'] });
      expect(response.status).toBe(201);
    }
    // Committed before any worker runs: both start on the same backlog at once.
    for (let index = 0; index < 16; index++) await t.http().post('/v1/projects').set('authorization', busy.owner.auth).send({ name: `busy ${index}` }).expect(201);
    workers.push(...(await Promise.all([startWorker(), startWorker(), startWorker()])));
    await receiver.waitFor(busyPath, 2, 20_000);
    await t.http().post('/v1/projects').set('authorization', other.owner.auth).send({ name: 'other' }).expect(201);
    await receiver.waitFor(otherPath, 1, 5_000);
    const all = await receiver.waitFor(busyPath, 16, 30_000);

    // Two at once: two workers delivered side by side (each holds one attempt at most); never three.
    expect(receiver.maxInFlight(busyPath)).toBe(2);
    expect(new Set(all.map((webhook) => webhook.headers['webhook-id'])).size).toBe(16); // each event once
    // Every success recorded (a worker writes its successes a batch at a time, just after the answers).
    let delivered = 0;
    for (let tries = 0; tries < 400 && delivered < 16; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [{ n: delivered }] = await t.owner<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where tenant_id = ${busy.id} and status = 'succeeded' and lease_until is null`;
    }
    expect(delivered).toBe(16);
  });
});
