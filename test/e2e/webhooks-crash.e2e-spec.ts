import type { TestingModule } from '@nestjs/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

const root = join(__dirname, '..', '..');
jest.setTimeout(180_000);

/** The real worker as a child process, as `npm run start:worker` runs it. */
function startWorkerProcess(): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { ...process.env, WEBHOOK_DISPATCH_INTERVAL_MS: '100', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('delivering webhooks')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, ready };
}

/** Webhooks survive a worker that is down at commit, and one killed with -9 mid-delivery. */
describe('webhook delivery across worker crashes', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: TestTenantWithUsers;
  let endpointId: string;
  const children: ChildProcess[] = [];
  let inProcess: TestingModule | undefined;
  const path = `/crash-${randomUUID()}`;

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await startWebhookReceiver();
    tenant = await createTenantWithUsers(t);
    const created = await t.http().post('/v1/webhooks').set('authorization', tenant.owner.auth).send({ url: receiver.url(path), events: ['project.created'] });
    endpointId = created.body.id;
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await inProcess?.close();
    await receiver.close();
    await t.close();
  });

  it('delivers events committed while no worker ran, once one starts', async () => {
    for (const name of ['while down 1', 'while down 2', 'while down 3']) {
      await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name }).expect(201);
    }
    const [undispatched] = await t.owner`select count(*)::int as n from events where tenant_id = ${tenant.id} and dispatched_at is null`;
    expect(undispatched!.n).toBe(3);
    const first = startWorkerProcess();
    children.push(first.child);
    await first.ready;
    const received = await receiver.waitFor(path, 3, 30_000);
    expect(received.map((webhook) => JSON.parse(webhook.body).data.object.name).sort()).toEqual(['while down 1', 'while down 2', 'while down 3']);
  });

  it('redelivers, with the same webhook-id, what a worker killed mid-delivery was sending', async () => {
    receiver.behave(path, 'slow');
    const before = receiver.on(path).length;
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'in flight' }).expect(201);
    const [inFlight] = (await receiver.waitFor(path, before + 1, 30_000)).slice(before);
    children[0]!.kill('SIGKILL'); // while the receiver still holds the request
    await new Promise((resolve) => children[0]!.once('exit', resolve));
    receiver.behave(path, 'ok');

    inProcess = await createTestWorker();
    const again = await receiver.waitFor(path, before + 2, 60_000);
    const ids = again.slice(before).map((webhook) => webhook.headers['webhook-id']);
    expect(ids).toEqual([inFlight!.headers['webhook-id'], inFlight!.headers['webhook-id']]); // a duplicate the receiver can recognise
    let delivery: Record<string, unknown> | undefined;
    for (let tries = 0; tries < 200 && delivery?.status !== 'succeeded'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivery = ((await t.http().get(`/v1/webhooks/${endpointId}/deliveries`).set('authorization', tenant.owner.auth)).body.data as Record<string, unknown>[]).find(
        (entry) => entry.eventId === inFlight!.headers['webhook-id'],
      );
    }
    expect(delivery).toMatchObject({ status: 'succeeded', responseCode: 200 });
  });
});
