import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { createTenantWithUsers, type TestTenantWithUsers } from '../factories';
import { checkPage, freePort, startConsoleBrowser, type ConsoleBrowser } from '../support/browser';
import { startOidcIdp, type TestOidcIdp } from '../support/oidc-idp';
import { createTestApp, type TestApp } from '../support/test-app';

const secretOf = (clientId: string) => `secret-of-${clientId}-${'x'.repeat(24)}`;

/**
 * "Sign in with SSO" in a real browser against a real OpenID Provider (oidc-provider, started by
 * the test): the work email finds the connection, the browser goes through the IdP and comes back
 * signed in to the portal with the console's cookie session.
 */
describe('console single sign-on (browser)', () => {
  let idp: TestOidcIdp;
  let t: TestApp;
  let console_: ConsoleBrowser;
  let acme: TestTenantWithUsers;
  let domain: string;
  let problems: string[];

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startOidcIdp([{ client_id: 'console', client_secret: secretOf('console'), redirect_uris: [`${base}/v1/auth/sso/oidc/callback`] }]);
    t = await createTestApp({ PUBLIC_URL: base, APP_URL: base });
    console_ = await startConsoleBrowser(t, { port });
    acme = await createTenantWithUsers(t);
    domain = `sso-${randomBytes(4).toString('hex')}.example`;
    await t.owner`insert into tenant_domains (tenant_id, domain, status, challenge, verified_at) values (${acme.id}, ${domain}, 'verified', ${randomBytes(8).toString('hex')}, now())`;
    const connection = await t
      .as(acme.admin)
      .post('/v1/tenant/sso/connections')
      .send({ type: 'oidc', issuer: idp.issuer, clientId: 'console', clientSecret: secretOf('console'), defaultRole: 'member', allowedDomains: [domain] });
    if (connection.status !== 201) throw new Error(`connect: ${connection.status} ${JSON.stringify(connection.body)}`);
  });
  afterAll(async () => {
    await console_?.close();
    await t?.close();
    await idp?.stop();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('signs in through the identity provider and lands in the portal with a cookie session (the user provisioned)', async () => {
    const email = `ada@${domain}`;
    await idp.nextLogin(`sub-${randomBytes(4).toString('hex')}`, { email, email_verified: true });
    const opened = await console_.open();
    problems = opened.problems;
    const { page, context } = opened;
    await page.goto('/console/');
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await heading(page, 'Sign in with SSO').waitFor();
    expect(await checkPage(page, 'portal-sso-sign-in')).toEqual([]);
    await page.getByLabel('Work email or organisation').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(`${email} (member)`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    const cookie = (await context.cookies()).find((entry) => entry.name === 'tenantry_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/console/auth' });
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    await page.reload();
    await page.getByText(`${email} (member)`).waitFor();
    const [user] = await t.owner<{ role: string }[]>`select role from users where tenant_id = ${acme.id} and email = ${email}`;
    expect(user!.role).toBe('member');
    await context.close();
  });

  it('finds the identity provider by the organisation\'s slug too', async () => {
    const email = `grace@${domain}`;
    await idp.nextLogin(`sub-${randomBytes(4).toString('hex')}`, { email, email_verified: true });
    const opened = await console_.open();
    problems = opened.problems;
    const { page, context } = opened;
    await page.goto('/console/sso');
    await page.getByLabel('Work email or organisation').fill(acme.slug.toUpperCase());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(`${email} (member)`).waitFor();
    await context.close();
    // The API's side: exactly one of the two, and an organisation without SSO is the same 404.
    await t.http().post('/v1/auth/sso/discover').send({ email, tenant: acme.slug }).expect(400);
    await t.http().post('/v1/auth/sso/discover').send({}).expect(400);
    const other = await createTenantWithUsers(t);
    const none = await t.http().post('/v1/auth/sso/discover').send({ tenant: other.slug }).expect(404);
    expect(none.body).toMatchObject({ statusCode: 404, message: 'No single sign-on is set up for this organisation' });
    expect((await t.http().post('/v1/auth/sso/discover').send({ tenant: acme.slug }).expect(200)).body).toEqual({ tenant: { slug: acme.slug }, connectionId: expect.any(String) });
  });

  it('says plainly when no single sign-on is set up for the email, and when the code is not valid', async () => {
    const opened = await console_.open();
    problems = opened.problems;
    const { page, context } = opened;
    await page.goto('/console/sso');
    await page.getByLabel('Work email or organisation').fill('someone@no-sso.example');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'No single sign-on is set up for this email domain' }).waitFor();
    await page.getByLabel('Work email or organisation').fill('no-such-organisation');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'No single sign-on is set up for this organisation' }).waitFor();
    await page.getByLabel('Work email or organisation').fill('not an email@');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').or(page.locator('.field-error')).filter({ hasText: /email/ }).first().waitFor();
    await page.goto('/console/sso-callback?code=not-a-code');
    await page.getByRole('alert').filter({ hasText: 'The code is unknown, used or expired' }).waitFor();
    expect(await checkPage(page, 'portal-sso-callback-error')).toEqual([]);
    await context.close();
  });
});
