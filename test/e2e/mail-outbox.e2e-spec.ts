import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import { invitationMail, MailOutbox } from '@tenantry/mail';
import { MAIL_QUEUE, mailJobId, SafeQueue } from '@tenantry/queues';
import { TenantTransaction } from '@tenantry/tenancy';
import { createTenant } from '../factories';
import { waitFor } from '../support/metering';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

const root = join(__dirname, '..', '..');
const address = () => `to-${randomBytes(4).toString('hex')}@example.com`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The outbox end to end: rows written in a tenant transaction, sent by the real worker with
 * nodemailer to a real SMTP server (smtp-server) in this process, which requires the credentials
 * of SMTP_URL and can refuse or hold messages.
 */
describe('mail outbox', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let worker: TestingModule;
  const saved = { ...process.env };

  beforeAll(async () => {
    await sink.start();
    Object.assign(process.env, { SMTP_URL: sink.url, MAIL_RETRY_DELAY_MS: '200', MAIL_MAX_ATTEMPTS: '4', SMTP_TIMEOUT_MS: '1000', MAIL_FROM: 'Tenantry <mail@tenantry.example>' });
    t = await createTestApp();
    worker = await createTestWorker();
  });

  afterAll(async () => {
    process.env = saved;
    await worker?.close();
    await t?.close();
    await sink.stop();
  });

  async function queueMail(tenantId: string, to: string, options: { thenFail?: boolean } = {}) {
    return t.app.get(TenantTransaction).run({ tenantId }, async () => {
      const id = await t.app.get(MailOutbox).queue({
        kind: 'invitation',
        to,
        render: (branding) => invitationMail(branding, { link: `http://localhost:3000/console/accept-invitation?token=tok-${to}`, role: 'member', expiresAt: new Date(Date.now() + 3600_000) }),
      });
      if (options.thenFail) throw new Error('the action failed after queueing its mail');
      return id;
    });
  }

  const row = async (tenantId: string, id: string) =>
    (await t.owner`select status, attempts, message_id, server_response, text_body, html_body, last_error from mail_outbox where tenant_id = ${tenantId} and id = ${id}`)[0]!;
  /** The server answers before the worker records the send: wait until the row says `sent`. */
  const sentRow = async (tenantId: string, id: string) => {
    await waitFor(`mail ${id} to be recorded as sent`, async () => (await row(tenantId, id)).status === 'sent');
    return row(tenantId, id);
  };

  it('sends a committed message once, over authenticated SMTP, in the tenant branding with text and HTML parts', async () => {
    const tenant = await createTenant(t);
    await t.owner`update tenants set settings = ${t.owner.json({ branding: { displayName: 'Acme Rockets', primaryColor: '#ff6600' } })} where id = ${tenant.id}`;
    const to = address();
    const id = await queueMail(tenant.id, to);
    const [mail] = await sink.waitFor(to);
    expect(mail!.parsed.subject).toBe('You are invited to Acme Rockets');
    expect(mail!.parsed.text).toContain(`token=tok-${to}`);
    expect(mail!.parsed.html).toContain('#ff6600');
    expect(mail!.parsed.html).toContain('Acme Rockets');
    expect(mail!.from).toBe('mail@tenantry.example');
    await sleep(300);
    const sent = await sentRow(tenant.id, id);
    expect(mail!.messageId).toBe(sent.message_id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, text_body: null, html_body: null });
    expect(sent.server_response).toMatch(/^250/);
    expect(sink.to(to)).toHaveLength(1);
  });

  it('never sends the message of a rolled-back action', async () => {
    const tenant = await createTenant(t);
    const to = address();
    await expect(queueMail(tenant.id, to, { thenFail: true })).rejects.toThrow('the action failed');
    // A committed mail queued after it arrives; the rolled-back one never does.
    const witness = address();
    await queueMail(tenant.id, witness);
    await sink.waitFor(witness);
    await sleep(500);
    expect(sink.to(to)).toHaveLength(0);
    expect(await t.owner`select 1 from mail_outbox where to_address = ${to}`).toHaveLength(0);
  });

  it('retries a temporary refusal with backoff and sends once', async () => {
    const tenant = await createTenant(t);
    const to = address();
    let refusals = 0;
    sink.decide = ({ to: rcpt }) => (rcpt.includes(to) && refusals < 2 ? (refusals++, { code: 451, message: 'try again later' }) : undefined);
    const id = await queueMail(tenant.id, to);
    await sink.waitFor(to);
    sink.decide = () => undefined;
    await sleep(300);
    expect(refusals).toBe(2);
    expect(sink.to(to)).toHaveLength(1);
    expect(await sentRow(tenant.id, id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up at once on a permanent refusal', async () => {
    const tenant = await createTenant(t);
    const to = address();
    let refusals = 0;
    sink.decide = ({ to: rcpt }) => (rcpt.includes(to) ? (refusals++, { code: 550, message: 'no such mailbox' }) : undefined);
    const id = await queueMail(tenant.id, to);
    const deadline = Date.now() + 30000;
    while ((await row(tenant.id, id)).status !== 'failed' && Date.now() < deadline) await sleep(100);
    await sleep(800);
    sink.decide = () => undefined;
    const failed = await row(tenant.id, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, text_body: null });
    expect(failed.last_error).toMatch(/550/);
    expect(refusals).toBe(1);
    expect(sink.to(to)).toHaveLength(0);
  });

  it('an acceptance that could not be recorded is recorded by the retry, not sent again', async () => {
    const tenant = await createTenant(t);
    const to = `failsent-${randomBytes(4).toString('hex')}@example.com`;
    // The first "sent" update fails (a sequence is not rolled back with it): as if the database went away right after the server accepted.
    await t.owner.unsafe(`
      create sequence if not exists test_fail_sent_seq;
      create or replace function test_fail_sent_once() returns trigger language plpgsql security definer as $$
      begin
        if new.status = 'sent' and new.to_address like 'failsent-%' and nextval('test_fail_sent_seq') = 1 then
          raise exception 'database lost after acceptance';
        end if;
        return new;
      end $$;
      drop trigger if exists test_fail_sent_once on mail_outbox;
      create trigger test_fail_sent_once before update on mail_outbox for each row execute function test_fail_sent_once();`);
    try {
      const id = await queueMail(tenant.id, to);
      await sink.waitFor(to);
      const deadline = Date.now() + 30000;
      while ((await row(tenant.id, id)).status !== 'sent' && Date.now() < deadline) await sleep(100);
      await sleep(500);
      expect(await row(tenant.id, id)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(sink.to(to)).toHaveLength(1);
    } finally {
      await t.owner.unsafe('drop trigger if exists test_fail_sent_once on mail_outbox; drop function if exists test_fail_sent_once(); drop sequence if exists test_fail_sent_seq;');
    }
  });

  it('a message whose hand-over to the queue was lost is found by the sweep', async () => {
    const tenant = await createTenant(t);
    const to = address();
    // Written like the outbox writes, but nobody is told: as if Redis had refused the job after commit.
    const [lost] = await t.owner<{ id: string }[]>`
      insert into mail_outbox (tenant_id, kind, to_address, subject, text_body, html_body, message_id, created_at)
      values (${tenant.id}, 'invitation', ${to}, 'Lost', 'text', '<p>html</p>', ${`<lost-${to}>`}, now() - interval '2 minutes') returning id`;
    const { MailDeliveryService } = await import('../../apps/worker/src/mail/mail-delivery.service');
    const { requeued } = await worker.get(MailDeliveryService).requeueUnsent();
    expect(requeued).toBeGreaterThanOrEqual(1);
    await sink.waitFor(to);
    expect(await sentRow(tenant.id, lost!.id)).toMatchObject({ status: 'sent' });
    // Sweeping again queues nothing new for it: it is sent.
    await worker.get(MailDeliveryService).requeueUnsent();
    await sleep(500);
    expect(sink.to(to)).toHaveLength(1);
  });
});

/** The real worker as a child process, as `npm run start:worker` runs it. */
function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: 'ignore',
  });
}

describe('mail survives kill -9 of the worker in the middle of a send', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp();
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t?.close();
    await sink.stop();
  });

  it('sends each of the messages exactly once', async () => {
    const tenant = await createTenant(t);
    const recipients = Array.from({ length: 6 }, address);
    // The first worker's conversations about these messages hang at the end of DATA (before the server's answer).
    let isHolding = true;
    const held: string[] = [];
    sink.decide = async ({ to }) => {
      const mine = to.find((rcpt) => recipients.includes(rcpt));
      if (!isHolding || !mine) return undefined;
      held.push(mine);
      await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
      return { code: 421, message: 'held' };
    };
    const ids: string[] = [];
    for (const to of recipients) {
      ids.push(
        await t.app.get(TenantTransaction).run({ tenantId: tenant.id }, () =>
          t.app.get(MailOutbox).queue({ kind: 'invitation', to, render: (b) => invitationMail(b, { link: `http://localhost:3000/x?token=${to}`, role: 'member', expiresAt: new Date() }) }),
        ),
      );
    }
    // The child workers consume a queue of their own, holding exactly these jobs (ids as the outbox makes them).
    const prefix = `${process.env.REDIS_KEY_PREFIX}-mail-kill-${randomBytes(3).toString('hex')}`;
    const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const queue = new SafeQueue(MAIL_QUEUE, { connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }, prefix: `{${prefix}}` });
    try {
      await queue.addBulk(ids.map((mailId) => ({ name: 'send', data: { mailId, tenantId: tenant.id }, opts: { jobId: mailJobId(mailId), attempts: 8, backoff: { type: 'exponential', delay: 500 } } })));
      const env = { SMTP_URL: sink.url, SMTP_TIMEOUT_MS: '2000', MAIL_RETRY_DELAY_MS: '500', MAIL_DISABLED: 'false', REDIS_KEY_PREFIX: prefix };
      const first = startWorker(env);
      children.push(first);
      // The child compiles the worker with ts-node first: a minute or more on a busy machine.
      const deadline = Date.now() + 180_000;
      while (held.length < 4 && Date.now() < deadline) await sleep(100);
      expect(held.length).toBe(4); // four deliveries (the worker's concurrency) in the middle of DATA
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      isHolding = false;
      expect(recipients.flatMap((to) => sink.to(to))).toHaveLength(0);
      const second = startWorker(env);
      children.push(second);
      for (const to of recipients) await sink.waitFor(to, 1, 180_000);
      // The second worker records each send just after the server's answer.
      await waitFor('every mail to be recorded as sent', async () => (await t.owner`select 1 from mail_outbox where tenant_id = ${tenant.id} and status <> 'sent'`).length === 0);
      await sleep(2000);
      for (const to of recipients) expect({ to, count: sink.to(to).length }).toEqual({ to, count: 1 });
      const rows = await t.owner<{ status: string }[]>`select status from mail_outbox where tenant_id = ${tenant.id}`;
      expect(rows.map((r) => r.status)).toEqual(recipients.map(() => 'sent'));
      second.kill('SIGTERM');
    } finally {
      await queue.close();
    }
  }, 600_000);
});
