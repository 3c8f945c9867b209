import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import type { Page } from 'playwright-core';
import { createTenantWithUsers, TEST_PASSWORD, type TestTenantWithUsers } from '../factories';
import { checkPage, fieldError, startConsoleBrowser, type ConsoleBrowser } from '../support/browser';
import { linkIn, SmtpSink, type ReceivedMail } from '../support/smtp-sink';
import { createTestApp, type TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

const address = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.com`;

/**
 * The mailed-link journeys of the portal in a real browser: invitations (invite, resend, revoke,
 * accept and be signed in with the invited role), email verification and password reset. Mail
 * goes out through the real worker to a real SMTP server in this process; the links are followed
 * from the mails.
 */
describe('account journeys (browser)', () => {
  const sink = new SmtpSink();
  const saved = { ...process.env };
  let t: TestApp;
  let worker: TestingModule;
  let console_: ConsoleBrowser;
  let acme: TestTenantWithUsers;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    await sink.start();
    Object.assign(process.env, { SMTP_URL: sink.url, SMTP_TIMEOUT_MS: '2000', MAIL_RETRY_DELAY_MS: '200' });
    t = await createTestApp();
    worker = await createTestWorker();
    console_ = await startConsoleBrowser(t);
    acme = await createTenantWithUsers(t, { plan: 'pro' });
    ({ page, problems } = await console_.open());
  });
  afterAll(async () => {
    process.env = saved;
    await console_?.close();
    await worker?.close();
    await t?.close();
    await sink.stop();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const heading = (target: Page, name: string | RegExp) => target.getByRole('heading', { level: 1, name });
  /** The mail's link, opened on the API under test (APP_URL names another host). */
  const open = async (target: Page, mail: ReceivedMail, path: string) => {
    const { url } = linkIn(mail);
    expect(url.pathname).toBe(path);
    await target.goto(`${url.pathname}${url.search}`);
  };

  async function signIn(target: Page, email: string, password = TEST_PASSWORD): Promise<void> {
    await target.goto('/console/');
    await heading(target, 'Sign in to your organisation').waitFor();
    await target.getByLabel('Organisation').fill(acme.slug);
    await target.getByLabel('Email').fill(email);
    await target.getByLabel('Password').fill(password);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByRole('navigation', { name: 'Portal' }).waitFor();
  }

  it('invites by mail, lists the pending invitation, resends it (the old link stops working) and the invitee joins with the role', async () => {
    await signIn(page, acme.owner.email);
    await page.getByRole('link', { name: 'Members' }).click();
    await heading(page, 'Members').waitFor();
    await page.getByText('No pending invitations.').waitFor();
    const invitee = address('grace');
    await page.getByLabel('Email to invite').fill(invitee);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Invited ${invitee}` }).waitFor();
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    const row = pending.getByRole('row').filter({ hasText: invitee });
    await row.getByRole('cell', { name: 'viewer', exact: true }).waitFor();
    expect(await checkPage(page, 'portal-members-invitations')).toEqual([]);

    const [first] = await sink.waitFor(invitee);
    expect(first!.parsed.subject).toMatch(/Test tenant/);
    await row.getByRole('button', { name: `Resend the invitation to ${invitee}` }).click();
    await page.getByRole('status').filter({ hasText: `A new invitation mail is on its way to ${invitee}` }).waitFor();
    const second = (await sink.waitFor(invitee, 2))[1]!;

    // The replaced link is refused in plain words.
    const { page: invited, context } = await console_.open();
    await open(invited, first!, '/console/accept-invitation');
    await invited.getByRole('alert').filter({ hasText: 'Invitation not found' }).waitFor();

    await open(invited, second, '/console/accept-invitation');
    await heading(invited, 'Join Test tenant').waitFor();
    expect(await invited.locator('main').innerText()).toContain(`You are invited as viewer with ${invitee}`);
    const password = invited.getByLabel('Choose a password');
    await password.fill('short');
    await invited.getByRole('button', { name: 'Accept and sign in' }).click();
    expect(await fieldError(invited, password)).toMatch(/password/);
    expect(await checkPage(invited, 'portal-accept-invitation')).toEqual([]);
    await password.fill('a good new password');
    await invited.getByRole('button', { name: 'Accept and sign in' }).click();
    const nav = invited.getByRole('navigation', { name: 'Portal' });
    await nav.waitFor();
    await invited.getByText(`${invitee} (viewer)`).waitFor();
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Home', 'Projects', 'Settings']);
    const cookie = (await context.cookies()).find((entry) => entry.name === 'tenantry_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Signed in for real: a reload keeps the session (the cookie), and the account is the invited one.
    await invited.reload();
    await invited.getByText(`${invitee} (viewer)`).waitFor();
    const [user] = await t.owner<{ role: string }[]>`select role from users where tenant_id = ${acme.id} and email = ${invitee}`;
    expect(user!.role).toBe('viewer');
    await context.close();

    // The owner's list no longer shows it as pending, and the new member is among the people.
    await page.reload();
    await page.getByRole('table', { name: 'Members' }).getByRole('cell', { name: invitee, exact: true }).waitFor();
    await page.getByText('No pending invitations.').waitFor();
  });

  it('revokes an invitation: it leaves the list and its link says so', async () => {
    const invitee = address('revoked');
    await page.getByLabel('Email to invite').fill(invitee);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const row = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row').filter({ hasText: invitee });
    await row.waitFor();
    const [mail] = await sink.waitFor(invitee);
    await row.getByRole('button', { name: `Revoke the invitation to ${invitee}` }).click();
    await row.waitFor({ state: 'detached' });
    const [invitation] = await t.owner<{ status: string }[]>`select status from invitations where tenant_id = ${acme.id} and email = ${invitee}`;
    expect(invitation!.status).toBe('revoked');
    const { page: invited, context } = await console_.open();
    await open(invited, mail!, '/console/accept-invitation');
    await invited.getByRole('alert').filter({ hasText: 'This invitation has been revoked' }).waitFor();
    await context.close();
  });

  it('shows the API\'s refusal of an invitation at its field', async () => {
    await page.getByLabel('Email to invite').fill(acme.member.email);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /exists|already/i }).waitFor();
  });

  it('lets the owner export the organisation and download it when ready; an admin is not offered it', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    await page.getByRole('button', { name: 'Export organisation data' }).click();
    const link = page.getByRole('link', { name: 'Download export' });
    await link.waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: /The export is ready: \d+ rows/ }).waitFor();
    expect(await checkPage(page, 'portal-settings-export')).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`${acme.slug}-export.ndjson`);
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { table: string; row: Record<string, unknown> });
    expect(lines.find((line) => line.table === 'users' && line.row.email === acme.owner.email)).toBeDefined();
    expect(lines.every((line) => !('tenant_id' in line.row) || line.row.tenant_id === acme.id || line.row.tenantId === acme.id)).toBe(true);

    const { page: adminPage, context } = await console_.open();
    await signIn(adminPage, acme.admin.email);
    await adminPage.getByRole('link', { name: 'Settings' }).click();
    await heading(adminPage, 'Settings').waitFor();
    expect(await adminPage.getByRole('button', { name: 'Export organisation data' }).count()).toBe(0);
    await context.close();
    await t.as(acme.admin).post('/v1/tenant/export').expect(403);
  }, 45_000);

  it('verifies an email from the signup mail, and says plainly when the link is used again', async () => {
    const { page: visitor, context } = await console_.open();
    const slug = `verify-${randomBytes(4).toString('hex')}`;
    const founder = address('founder');
    await visitor.goto('/console/signup');
    await visitor.getByLabel('Organisation name').fill('Verified Co');
    await visitor.getByLabel('Organisation short name').fill(slug);
    await visitor.getByLabel('Your email').fill(founder);
    await visitor.getByLabel('Choose a password').fill('correct horse battery staple');
    await visitor.getByRole('button', { name: 'Create organisation' }).click();
    await heading(visitor, 'Check your email').waitFor();
    const [mail] = await sink.waitFor(founder);
    await open(visitor, mail!, '/console/verify-email');
    await visitor.getByRole('status').filter({ hasText: `${founder} is verified. You can sign in now.` }).waitFor();
    expect(await checkPage(visitor, 'portal-verify-email')).toEqual([]);
    await visitor.reload();
    await visitor.getByRole('alert').filter({ hasText: 'already been used' }).waitFor();
    await visitor.getByRole('link', { name: 'Back to sign in' }).click();
    await visitor.getByLabel('Organisation').fill(slug);
    await visitor.getByLabel('Email').fill(founder);
    await visitor.getByLabel('Password').fill('correct horse battery staple');
    await visitor.getByRole('button', { name: 'Sign in' }).click();
    await heading(visitor, 'Verified Co').waitFor();
    await context.close();
  });

  it('resets a password from the mail: a weak one is refused at its field, the new one signs in, the old one no longer', async () => {
    const { page: visitor, context } = await console_.open();
    await visitor.goto('/console/');
    await visitor.getByRole('link', { name: 'Forgot your password?' }).click();
    await heading(visitor, 'Reset your password').waitFor();
    await visitor.getByLabel('Organisation').fill(acme.slug);
    await visitor.getByLabel('Email').fill(acme.member.email);
    await visitor.getByRole('button', { name: 'Send reset link' }).click();
    await visitor.getByRole('status').filter({ hasText: 'a reset link is on its way' }).waitFor();
    const [mail] = await sink.waitFor(acme.member.email);
    await open(visitor, mail!, '/console/reset-password');
    await heading(visitor, 'Choose a new password').waitFor();
    const field = visitor.getByLabel('New password');
    await field.fill('aaaaaaaaaaaa');
    await visitor.getByRole('button', { name: 'Set password' }).click();
    expect(await fieldError(visitor, field)).toMatch(/password/);
    expect(await checkPage(visitor, 'portal-set-new-password')).toEqual([]);
    await field.fill('a brand new passphrase');
    await visitor.getByRole('button', { name: 'Set password' }).click();
    await visitor.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();

    await visitor.goto('/console/');
    await visitor.getByLabel('Organisation').fill(acme.slug);
    await visitor.getByLabel('Email').fill(acme.member.email);
    await visitor.getByLabel('Password').fill(TEST_PASSWORD);
    await visitor.getByRole('button', { name: 'Sign in' }).click();
    await visitor.getByRole('alert').filter({ hasText: 'Invalid credentials' }).waitFor();
    await visitor.getByLabel('Password').fill('a brand new passphrase');
    await visitor.getByRole('button', { name: 'Sign in' }).click();
    await visitor.getByText(`${acme.member.email} (member)`).waitFor();
    await context.close();
  });
});
