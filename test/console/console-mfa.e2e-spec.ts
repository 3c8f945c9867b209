import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { createSystemAdmin, createTenantWithUsers, createUser, TEST_PASSWORD, type TestTenantWithUsers } from '../factories';
import { checkPage, startConsoleBrowser, type ConsoleBrowser } from '../support/browser';
import { useTestApp } from '../support/test-app';

/** The code an authenticator shows `steps` 30-second steps from now (the API takes one step of drift, each step once). */
const totp = (secret: string, steps = 0) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);

/** The console's second sign-in step for accounts with TOTP, tenant users and system admins, in a real browser. */
describe('console sign-in with MFA (browser)', () => {
  const t = useTestApp();
  let console_: ConsoleBrowser;
  let acme: TestTenantWithUsers;
  let problems: string[];

  beforeAll(async () => {
    console_ = await startConsoleBrowser(t);
    acme = await createTenantWithUsers(t, { plan: 'pro' });
  });
  afterAll(async () => {
    await console_?.close();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  async function enrol(base: '/v1/me' | '/v1/admin/me', auth: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await t.http().post(`${base}/mfa/totp`).set('authorization', auth).expect(201);
    const confirmed = await t.http().post(`${base}/mfa/totp/confirm`).set('authorization', auth).send({ code: totp(started.body.secret) }).expect(200);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('asks a tenant user for the code after the password: a wrong code is explained, the right one signs in with the cookie', async () => {
    const user = await createUser(t, acme, 'admin');
    const { secret } = await enrol('/v1/me', user.auth);
    const opened = await console_.open();
    problems = opened.problems;
    const { page, context } = opened;
    await page.goto('/console/');
    await page.getByLabel('Organisation').fill(acme.slug);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await heading(page, 'Two-step verification').waitFor();
    expect(await context.cookies()).toEqual([]);
    const code = page.getByLabel('Authentication code');
    await code.fill(totp(secret, 5));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'The code is not valid (or was already used)' }).waitFor();
    expect(await checkPage(page, 'portal-mfa-step')).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await code.fill(totp(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(`${user.email} (admin)`).waitFor();
    const cookie = (await context.cookies()).find((entry) => entry.name === 'tenantry_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/console/auth' });
    await page.reload();
    await page.getByText(`${user.email} (admin)`).waitFor();
    await context.close();
  });

  it('takes a recovery code instead, once', async () => {
    const user = await createUser(t, acme, 'member');
    const { recoveryCodes } = await enrol('/v1/me', user.auth);
    for (const expectation of ['signed in', 'refused'] as const) {
      const opened = await console_.open();
      problems = opened.problems;
      const { page, context } = opened;
      await page.goto('/console/');
      await page.getByLabel('Organisation').fill(acme.slug);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await heading(page, 'Two-step verification').waitFor();
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Verify' }).click();
      if (expectation === 'signed in') await page.getByText(`${user.email} (member)`).waitFor();
      else await page.getByRole('alert').filter({ hasText: 'The recovery code is not valid (or was already used)' }).waitFor();
      await context.close();
    }
  });

  it('asks a system admin with MFA for the code too', async () => {
    const admin = await createSystemAdmin(t);
    const { secret } = await enrol('/v1/admin/me', admin.auth);
    const opened = await console_.open();
    problems = opened.problems;
    const { page, context } = opened;
    await page.goto('/console/admin/');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Two-step verification').waitFor();
    await page.getByLabel('Authentication code').fill(totp(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await heading(page, 'Tenants').waitFor();
    expect((await context.cookies()).find((entry) => entry.name === 'tenantry_admin_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await checkPage(page, 'admin-after-mfa')).toEqual([]);
    await context.close();
  });
});
