import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { EventLog, SUBSCRIBABLE_EVENT_TYPES } from '@tenantry/events';
import { CLOCK, Clock } from '@tenantry/metering';
import { metricsRegistry } from '@tenantry/metrics';
import { TenantTransaction } from '@tenantry/tenancy';
import { RETRY_DELAYS_MS } from '@tenantry/webhooks';
import { WebhookDispatcher } from '../../apps/worker/src/webhooks/webhook-dispatcher';
import { createApiKey, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';
import { ReceivedWebhook, startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

/** A clock the test moves forward: the worker schedules retries and judges failing endpoints by it. */
class MovableClock implements Clock {
  offsetMs = 0;
  now = () => Date.now() + this.offsetMs;
}

const WORKER_ENV = {
  WEBHOOK_WORKER_CONCURRENCY: '8',
  WEBHOOK_ENDPOINT_CONCURRENCY: '2',
  WEBHOOK_TIMEOUT_MS: '8000',
  WEBHOOK_DISPATCH_INTERVAL_MS: '100',
};

async function startWorker(clock: Clock): Promise<TestingModule> {
  const saved = Object.fromEntries(Object.keys(WORKER_ENV).map((key) => [key, process.env[key]]));
  Object.assign(process.env, WORKER_ENV);
  try {
    return await createTestWorker((builder) => builder.overrideProvider(CLOCK).useValue(clock));
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const parse = (webhook: ReceivedWebhook) => JSON.parse(webhook.body) as { id: string; type: string; tenantId: string; occurredAt: string; data: { object: Record<string, unknown>; previous?: Record<string, unknown> } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Webhooks end to end: the real API, the real worker, a real HTTP receiver in this process. */
describe('webhook delivery', () => {
  let t: TestApp;
  let worker: TestingModule;
  let receiver: WebhookReceiver;
  const clock = new MovableClock();
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker(clock);
    receiver = await startWebhookReceiver();
    admin = await createSystemAdmin(t);
  });
  afterAll(async () => {
    await receiver.close();
    await worker.close();
    await t.close();
  });

  const register = async (tenant: TestTenantWithUsers, path: string, events: readonly string[]) => {
    const response = await t.http().post('/v1/webhooks').set('authorization', tenant.owner.auth).send({ url: receiver.url(path), events });
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  };
  const waitForType = async (path: string, type: string, matches: (event: ReturnType<typeof parse>) => boolean = () => true) => {
    for (let tries = 0; tries < 400; tries++) {
      if (receiver.on(path).map(parse).some((event) => event.type === type && matches(event))) return;
      await sleep(50);
    }
    throw new Error(`no ${type} at ${path}`);
  };
  const deliveriesOf = async (tenant: TestTenantWithUsers, endpointId: string) => {
    const response = await t.http().get(`/v1/webhooks/${endpointId}/deliveries?limit=100`).set('authorization', tenant.admin.auth);
    expect(response.status).toBe(200);
    return response.body.data as Record<string, unknown>[];
  };
  /** The receiver answers before the worker records the attempt: wait until the delivery shows `attempts` of them. */
  const deliveryAfter = async (tenant: TestTenantWithUsers, endpointId: string, attempts: number) => {
    for (let tries = 0; ; tries++) {
      const [delivery] = await deliveriesOf(tenant, endpointId);
      if ((delivery && (delivery.attempts as number) >= attempts) || tries >= 400) return delivery;
      await sleep(50);
    }
  };

  it('delivers an event of every type once, signed, in the documented shape', async () => {
    const tenant = await createTenantWithUsers(t);
    const path = `/all-${randomUUID()}`;
    // audit.created streams every audit row besides (its own test below).
    const endpoint = await register(tenant, path, SUBSCRIBABLE_EVENT_TYPES.filter((type) => type !== 'audit.created'));
    const owner = tenant.owner.auth;
    const project = (await t.http().post('/v1/projects').set('authorization', owner).send({ name: 'Website' })).body;
    await t.http().patch(`/v1/projects/${project.id}`).set('authorization', owner).send({ name: 'Website relaunch' }).expect(200);
    const task = (await t.http().post(`/v1/projects/${project.id}/tasks`).set('authorization', owner).send({ title: 'Write' })).body;
    await t.http().patch(`/v1/projects/${project.id}/tasks/${task.id}`).set('authorization', owner).send({ status: 'done' }).expect(200);
    await t.http().delete(`/v1/projects/${project.id}/tasks/${task.id}`).set('authorization', owner).expect(204);
    await t.http().delete(`/v1/projects/${project.id}`).set('authorization', owner).expect(204);
    const user = (await t.http().post('/v1/users').set('authorization', owner).send({ email: `wh-${randomUUID()}@example.com`, role: 'viewer', password: 'correct horse battery' })).body;
    await t.http().patch(`/v1/users/${user.id}`).set('authorization', owner).send({ role: 'member' }).expect(200);
    await t.http().delete(`/v1/users/${user.id}`).set('authorization', owner).expect(204);
    const key = await createApiKey(t, tenant.owner, 'viewer');
    await t.http().delete(`/v1/api-keys/${key.id}`).set('authorization', owner).expect(204);
    await t.http().patch(`/v1/admin/tenants/${tenant.id}`).set('authorization', admin.auth).send({ plan: 'pro' }).expect(200);
    await t.http().post(`/v1/admin/tenants/${tenant.id}/suspend`).set('authorization', admin.auth).expect(200);
    await t.http().post(`/v1/admin/tenants/${tenant.id}/resume`).set('authorization', admin.auth).expect(200);
    // The metering worker writes this one from its rollup (see the event log's tests); here through the same EventLog.
    await t.app.get(TenantTransaction).run({ tenantId: tenant.id }, () =>
      t.app.get(EventLog).record('usage.quota_exceeded', { object: { metric: 'api_calls_per_month', limit: 10, used: 11 } }),
    );
    const expected = [
      'project.created', 'project.updated', 'task.created', 'task.updated', 'task.deleted', 'project.deleted',
      'user.created', 'user.role_changed', 'user.removed', 'api_key.created', 'api_key.revoked',
      'tenant.plan_changed', 'tenant.suspended', 'tenant.resumed', 'usage.quota_exceeded',
    ];
    const received = await receiver.waitFor(path, expected.length);
    await sleep(500); // nothing more comes
    expect(receiver.on(path)).toHaveLength(expected.length);
    expect(received.map((webhook) => parse(webhook).type).sort()).toEqual([...expected].sort());
    expect(new Set(received.map((webhook) => webhook.headers['webhook-id'])).size).toBe(expected.length);

    const log = (await t.http().get('/v1/events?limit=100').set('authorization', owner)).body.data as { id: string }[];
    const verifier = new Webhook(endpoint.secret);
    for (const webhook of received) {
      expect(verifier.verify(webhook.body, webhook.headers as Record<string, string>)).toEqual(JSON.parse(webhook.body));
      const event = parse(webhook);
      expect(webhook.headers['webhook-id']).toBe(event.id);
      expect(Math.abs(Number(webhook.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(webhook.headers['content-type']).toBe('application/json');
      // Exactly what GET /v1/events lists: the documented shape, never the row.
      expect(event).toEqual(log.find((entry) => entry.id === event.id));
      expect(Object.keys(event).sort()).toEqual(['data', 'id', 'occurredAt', 'tenantId', 'type']);
      expect(webhook.body).not.toMatch(/tenant_id|password|key_hash|keyHash|dispatched/);
    }
    // The worker records successes a batch at a time, just after the answers.
    let history = await deliveriesOf(tenant, endpoint.id);
    for (let tries = 0; history.some((delivery) => delivery.status !== 'succeeded') && tries < 400; tries++) {
      await sleep(50);
      history = await deliveriesOf(tenant, endpoint.id);
    }
    expect(history).toHaveLength(expected.length);
    for (const delivery of history) expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, responseCode: 200, responseBody: 'ok' });
  });

  it('streams audit rows as audit.created, only for a tenant that opted in by subscribing', async () => {
    const [optedIn, other] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    const [siem, plain] = [`/siem-${randomUUID()}`, `/plain-${randomUUID()}`];
    await register(optedIn, siem, ['audit.created']);
    await register(other, plain, ['project.created']);
    const project = (await t.http().post('/v1/projects').set('authorization', optedIn.owner.auth).send({ name: 'Audited' }).expect(201)).body;
    await t.http().post('/v1/projects').set('authorization', other.owner.auth).send({ name: 'Not streamed' }).expect(201);
    const audit = (await t.http().get('/v1/audit-logs?action=project.created').set('authorization', optedIn.owner.auth).expect(200)).body.data[0];
    await waitForType(siem, 'audit.created', (event) => event.data.object.action === 'project.created');
    const streamed = receiver.on(siem).map(parse).find((event) => event.data.object.action === 'project.created')!;
    expect(streamed.data.object).toEqual(audit); // exactly the row as GET /v1/audit-logs shows it
    expect(streamed.data.object.resourceId).toBe(project.id);
    const [none] = await t.owner`select count(*)::int as n from events where tenant_id = ${other.id} and type = 'audit.created'`;
    expect(none!.n).toBe(0);
  });

  it('sends only the types an endpoint subscribed to, only to its own tenant', async () => {
    const [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    const [pathA, pathB] = [`/a-${randomUUID()}`, `/b-${randomUUID()}`];
    await register(a, pathA, ['project.deleted']);
    await register(b, pathB, ['project.created']);
    const project = (await t.http().post('/v1/projects').set('authorization', a.owner.auth).send({ name: 'Only A' })).body;
    await t.http().delete(`/v1/projects/${project.id}`).set('authorization', a.owner.auth).expect(204);
    const [deleted] = await receiver.waitFor(pathA, 1);
    expect(parse(deleted!)).toMatchObject({ type: 'project.deleted', tenantId: a.id });
    await sleep(500);
    expect(receiver.on(pathA)).toHaveLength(1);
    expect(receiver.on(pathB)).toHaveLength(0);
  });

  it('announces nothing of a rolled-back change', async () => {
    const tenant = await createTenantWithUsers(t);
    const path = `/rollback-${randomUUID()}`;
    await register(tenant, path, ['project.created', 'project.deleted']);
    await expect(
      t.app.get(TenantTransaction).run({ tenantId: tenant.id }, async () => {
        await t.app.get(EventLog).record('project.created', { object: { id: randomUUID(), name: 'never committed' } });
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    // Over HTTP too: the free plan's fourth project is refused, and its transaction rolled back.
    const free = await createTenantWithUsers(t, { plan: 'free' });
    const freePath = `/rollback-free-${randomUUID()}`;
    await register(free, freePath, ['project.created']);
    for (const name of ['one', 'two', 'three']) await t.http().post('/v1/projects').set('authorization', free.owner.auth).send({ name }).expect(201);
    await t.http().post('/v1/projects').set('authorization', free.owner.auth).send({ name: 'four' }).expect(403);
    // A committed change after them arrives, so the dispatcher has passed the rolled-back ones.
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'committed' }).expect(201);
    const [committed] = await receiver.waitFor(path, 1);
    await receiver.waitFor(freePath, 3);
    await sleep(500);
    expect(receiver.on(path).map((webhook) => parse(webhook).data.object.name)).toEqual(['committed']);
    expect(parse(committed!).data.object.name).toBe('committed');
    expect(receiver.on(freePath).map((webhook) => parse(webhook).data.object.name).sort()).toEqual(['one', 'three', 'two']);
  });

  it('retries a failing receiver on the schedule, then marks the delivery failed; a replay by hand delivers it', async () => {
    const tenant = await createTenantWithUsers(t);
    const path = `/fail-${randomUUID()}`;
    receiver.behave(path, 'fail');
    const endpoint = await register(tenant, path, ['project.created']);
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'Retried' }).expect(201);
    const dispatcher = worker.get(WebhookDispatcher);
    await receiver.waitFor(path, 1);
    const first = await deliveryAfter(tenant, endpoint.id, 1);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, responseCode: 500 });
    expect((first!.responseBody as string).length).toBe(1024); // the first kilobyte of the answer
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      const pending = await deliveryAfter(tenant, endpoint.id, attempt);
      const wait = new Date(pending!.nextAttemptAt as string).getTime() - new Date(pending!.lastAttemptAt as string).getTime();
      const planned = RETRY_DELAYS_MS[attempt - 1]!;
      expect({ attempt, wait: wait >= planned && wait <= planned * 1.1 + 1 }).toEqual({ attempt, wait: true });
      // Not before its time.
      if (planned > 60_000) {
        clock.offsetMs = new Date(pending!.nextAttemptAt as string).getTime() - Date.now() - 30_000;
        await dispatcher.runOnce();
        await sleep(200);
        expect(receiver.on(path)).toHaveLength(attempt);
      }
      clock.offsetMs = new Date(pending!.nextAttemptAt as string).getTime() - Date.now() + 10;
      await dispatcher.runOnce();
      const all = await receiver.waitFor(path, attempt + 1);
      expect(all[attempt]!.headers['webhook-id']).toBe(all[0]!.headers['webhook-id']);
    }
    let [failed] = await deliveriesOf(tenant, endpoint.id);
    for (let tries = 0; failed!.status !== 'failed' && tries < 200; tries++) {
      await sleep(100);
      [failed] = await deliveriesOf(tenant, endpoint.id);
    }
    expect(failed).toMatchObject({ status: 'failed', attempts: 8, responseCode: 500, nextAttemptAt: null });
    clock.offsetMs += 48 * 3_600_000;
    await dispatcher.runOnce();
    await sleep(300);
    expect(receiver.on(path)).toHaveLength(8); // failed means no more attempts

    receiver.behave(path, 'ok');
    const replay = await t.http().post(`/v1/webhooks/${endpoint.id}/deliveries/${failed!.id}/retry`).set('authorization', tenant.admin.auth);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ deliveryId: failed!.id, eventId: failed!.eventId });
    const all = await receiver.waitFor(path, 9);
    expect(all[8]!.headers['webhook-id']).toBe(failed!.eventId);
    let [replayed] = await deliveriesOf(tenant, endpoint.id);
    for (let tries = 0; replayed!.status !== 'succeeded' && tries < 200; tries++) {
      await sleep(100);
      [replayed] = await deliveriesOf(tenant, endpoint.id);
    }
    expect(replayed).toMatchObject({ status: 'succeeded', attempts: 9, responseCode: 200 });
    clock.offsetMs = 0;
  });

  it('disables an endpoint failing for five days and says so with a webhook.disabled event', async () => {
    const tenant = await createTenantWithUsers(t);
    const [failing, watcher] = [`/dead-${randomUUID()}`, `/watch-${randomUUID()}`];
    receiver.behave(failing, 'fail');
    const endpoint = await register(tenant, failing, ['project.created']);
    await register(tenant, watcher, ['webhook.disabled']);
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'one' }).expect(201);
    await receiver.waitFor(failing, 1);
    await deliveryAfter(tenant, endpoint.id, 1);
    expect((await t.http().get(`/v1/webhooks/${endpoint.id}`).set('authorization', tenant.owner.auth)).body).toMatchObject({ enabled: true, failingSince: expect.any(String) });
    clock.offsetMs = 5 * 24 * 3_600_000 + 60_000;
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'two' }).expect(201);
    const [notice] = await receiver.waitFor(watcher, 1);
    expect(parse(notice!)).toMatchObject({ type: 'webhook.disabled', data: { object: { id: endpoint.id, enabled: false, disabledReason: expect.stringMatching(/no successful delivery since/) } } });
    expect(JSON.stringify(parse(notice!))).not.toContain(endpoint.secret);
    expect((await t.http().get(`/v1/webhooks/${endpoint.id}`).set('authorization', tenant.owner.auth)).body).toMatchObject({ enabled: false });
    // The owners are told by mail, through the outbox, in the transaction that disabled it.
    const mails = await t.owner`select to_address, subject from mail_outbox where tenant_id = ${tenant.id} and kind = 'webhook_disabled'`;
    expect(mails).toEqual([{ to_address: tenant.owner.email, subject: expect.stringMatching(/webhook endpoint .* was disabled/) }]);
    // Disabled: a new event is not sent to it; re-enabled, the next one is.
    const before = receiver.on(failing).length;
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'three' }).expect(201);
    await sleep(800);
    expect(receiver.on(failing)).toHaveLength(before);
    receiver.behave(failing, 'ok');
    await t.http().patch(`/v1/webhooks/${endpoint.id}`).set('authorization', tenant.owner.auth).send({ enabled: true }).expect(200);
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'four' }).expect(201);
    const after = await receiver.waitFor(failing, before + 1);
    expect(parse(after[before]!).data.object.name).toBe('four');
    clock.offsetMs = 0;
  });

  it('signs with both secrets while a rotation overlaps', async () => {
    const tenant = await createTenantWithUsers(t);
    const path = `/rotate-${randomUUID()}`;
    const endpoint = await register(tenant, path, ['project.created']);
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'before' }).expect(201);
    const [before] = await receiver.waitFor(path, 1);
    expect((before!.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    const rotated = (await t.http().post(`/v1/webhooks/${endpoint.id}/rotate-secret`).set('authorization', tenant.owner.auth).expect(200)).body;
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'after' }).expect(201);
    const [, after] = await receiver.waitFor(path, 2);
    expect((after!.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    const headers = after!.headers as Record<string, string>;
    expect(new Webhook(rotated.secret).verify(after!.body, headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(after!.body, headers)).toBeTruthy();
    // Past the overlap only the new secret signs.
    await t.owner`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${endpoint.id}`;
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'later' }).expect(201);
    const [, , later] = await receiver.waitFor(path, 3);
    expect((later!.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(() => new Webhook(endpoint.secret).verify(later!.body, later!.headers as Record<string, string>)).toThrow();
    expect(new Webhook(rotated.secret).verify(later!.body, later!.headers as Record<string, string>)).toBeTruthy();
  });

  it('sends webhook.test to the tested endpoint only; a redirect is a failure, not followed', async () => {
    const tenant = await createTenantWithUsers(t);
    const [tested, other, moved] = [`/tested-${randomUUID()}`, `/other-${randomUUID()}`, `/moved-${randomUUID()}`];
    receiver.behave(moved, 'redirect');
    const endpoint = await register(tenant, tested, ['project.created']);
    await register(tenant, other, ['project.created']);
    const accepted = await t.http().post(`/v1/webhooks/${endpoint.id}/test`).set('authorization', tenant.admin.auth);
    expect(accepted.status).toBe(202);
    const [test] = await receiver.waitFor(tested, 1);
    expect(parse(test!)).toMatchObject({ id: accepted.body.eventId, type: 'webhook.test', data: { object: { endpoint: { id: endpoint.id } } } });
    expect(new Webhook(endpoint.secret).verify(test!.body, test!.headers as Record<string, string>)).toBeTruthy();

    const redirected = await register(tenant, moved, ['project.created']);
    await t.http().post(`/v1/webhooks/${redirected.id}/test`).set('authorization', tenant.admin.auth).expect(202);
    await receiver.waitFor(moved, 1);
    const delivery = await deliveryAfter(tenant, redirected.id, 1);
    await sleep(300);
    expect(receiver.on(`${moved}/elsewhere`)).toHaveLength(0);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseCode: 307 });
    await sleep(300);
    expect(receiver.on(other)).toHaveLength(0);
  });

  it("one tenant's hanging endpoint does not delay another tenant's deliveries", async () => {
    const [slow, quick] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    const [hangPath, quickPath] = [`/hang-${randomUUID()}`, `/quick-${randomUUID()}`];
    receiver.behave(hangPath, 'hang');
    await register(slow, hangPath, ['project.created']);
    await register(quick, quickPath, ['project.created']);
    // More hanging deliveries than the worker has slots (8): without the per-endpoint limit they would take them all.
    for (let index = 0; index < 20; index++) await t.http().post('/v1/projects').set('authorization', slow.owner.auth).send({ name: `slow ${index}` }).expect(201);
    await receiver.waitFor(hangPath, 2);
    const started = Date.now();
    await t.http().post('/v1/projects').set('authorization', quick.owner.auth).send({ name: 'quick' }).expect(201);
    await receiver.waitFor(quickPath, 1, 5000);
    const latency = Date.now() - started;
    expect(latency).toBeLessThan(3000); // the hanging attempts take 8 s each
    expect(receiver.on(hangPath).length).toBeLessThanOrEqual(2); // at most WEBHOOK_ENDPOINT_CONCURRENCY at once
    // The queue depth an operator sees: the other 18 wait, due and unleased, while two hang.
    const scrape = await metricsRegistry.metrics();
    const due = Number(/^tenantry_webhook_deliveries_due\{counted="database"\} (\d+)$/m.exec(scrape)?.[1]);
    expect(due).toBeGreaterThanOrEqual(18);
    expect(scrape).toMatch(/^tenantry_webhook_events_undispatched\{counted="database"\} \d+$/m);
  });
});
