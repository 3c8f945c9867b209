import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import { simpleParser } from 'mailparser';
import { invitationMail, MailOutbox } from '@tenantry/mail';
import { TenantTransaction } from '@tenantry/tenancy';
import { createTenant } from '../factories';
import { waitFor } from '../support/metering';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

/** Without SMTP_URL (development, tests) each message becomes an RFC 5322 .eml file in MAIL_DIR. */
describe('mail without SMTP_URL', () => {
  let t: TestApp;
  let worker: TestingModule;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await createTestWorker();
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('writes the message as an .eml file with both parts, and marks it sent', async () => {
    const tenant = await createTenant(t);
    const to = `eml-${randomBytes(4).toString('hex')}@example.com`;
    const id = await t.app.get(TenantTransaction).run({ tenantId: tenant.id }, () =>
      t.app.get(MailOutbox).queue({
        kind: 'invitation',
        to,
        render: (branding) => invitationMail(branding, { link: 'http://localhost:3000/console/accept-invitation?token=abc', role: 'admin', expiresAt: new Date() }),
      }),
    );
    const dir = resolve(process.env.MAIL_DIR!);
    const deadline = Date.now() + 15000;
    let file: string | undefined;
    while (!file && Date.now() < deadline) {
      file = (await readdir(dir).catch(() => [] as string[])).find((name) => name.endsWith(`-invitation-${id}.eml`));
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    expect(file).toBeDefined();
    const parsed = await simpleParser(await readFile(join(dir, file!)));
    expect(parsed.to).toMatchObject({ text: to });
    expect(parsed.subject).toBe('You are invited to Test tenant');
    expect(parsed.text).toContain('http://localhost:3000/console/accept-invitation?token=abc');
    expect(parsed.html).toContain('Accept the invitation');
    // The file is written before the worker records the send.
    await waitFor('the mail to be recorded as sent', async () => (await t.owner`select status from mail_outbox where id = ${id}`)[0]?.status === 'sent');
    const [row] = await t.owner`select status, server_response from mail_outbox where id = ${id}`;
    expect(row).toMatchObject({ status: 'sent' });
    expect(row!.server_response).toContain(file);
  });
});
