import { randomBytes } from 'node:crypto';
import { sha256 } from '@tenantry/auth';
import { REDIS } from '@tenantry/redis';
import type Redis from 'ioredis';
import { createApiKey, createTenant, createTenantWithUsers, createUser, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { startDnsServer, TestDnsServer } from '../support/dns-server';
import { startOidcIdp, TestOidcIdp } from '../support/oidc-idp';
import { createTestApp, TestApp } from '../support/test-app';

const PUBLIC_URL = 'http://api.tenantry.test';
const APP_URL = 'http://app.tenantry.test';
const CALLBACK = `${PUBLIC_URL}/v1/auth/sso/oidc/callback`;
const secretOf = (clientId: string) => `secret-of-${clientId}-${'x'.repeat(24)}`;

/**
 * OIDC sign-in against a real OpenID Provider (oidc-provider, started by the test): discovery,
 * authorization code with PKCE, ID tokens signed with the IdP's keys and checked against its JWKS.
 */
describe('single sign-on with OIDC', () => {
  let idp: TestOidcIdp;
  let otherIdp: TestOidcIdp;
  let dns: TestDnsServer;
  let t: TestApp;
  let a: TestTenantWithUsers;
  let b: TestTenantWithUsers;
  let connectionA: { id: string; redirectUri: string; startUrl: string };
  let connectionB: { id: string };
  const clients = ['client-a', 'client-b', 'client-seats', 'client-link'].map((id) => ({ client_id: id, client_secret: secretOf(id), redirect_uris: [CALLBACK] }));

  beforeAll(async () => {
    [idp, otherIdp, dns] = await Promise.all([startOidcIdp(clients), startOidcIdp(clients), startDnsServer()]);
    t = await createTestApp({ PUBLIC_URL, APP_URL, DNS_SERVERS: dns.address });
    [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    connectionA = await connect(a, 'client-a', { redirectUrls: ['https://portal.acme.test/sso/done'] });
    connectionB = await connect(b, 'client-b');
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([idp.stop(), otherIdp.stop(), dns.close()]);
  });

  async function connect(tenant: TestTenantWithUsers, clientId: string, extra: Record<string, unknown> = {}) {
    const response = await t
      .as(tenant.admin)
      .post('/v1/tenant/sso/connections')
      .send({ type: 'oidc', issuer: idp.issuer, clientId, clientSecret: secretOf(clientId), defaultRole: 'member', ...extra });
    if (response.status !== 201) throw new Error(`connect: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** GET start → the IdP's URL. */
  async function start(connectionId: string, redirect?: string) {
    const response = await t.http().get(`/v1/auth/sso/${connectionId}/start`).query(redirect ? { redirect } : {});
    if (response.status !== 302) throw new Error(`start: ${response.status} ${JSON.stringify(response.body)}`);
    return response.headers.location as string;
  }

  /** Delivers the IdP's redirect to the app's callback, as the browser would. */
  const deliver = (callback: URL) => t.http().get(`${callback.pathname}${callback.search}`);

  async function signIn(connectionId: string, account: { sub: string; email: string; email_verified?: boolean }, redirect?: string) {
    await idp.nextLogin(account.sub, { email: account.email, email_verified: account.email_verified ?? true });
    const callback = await idp.authorize(await start(connectionId, redirect));
    return deliver(callback);
  }

  const exchange = (code: string) => t.http().post('/v1/auth/sso/exchange').send({ code });
  const codeOf = (location: string) => new URL(location).searchParams.get('code')!;

  it('runs the whole code flow: start → IdP → callback → one-time code → tokens, and provisions the user (JIT)', async () => {
    expect(connectionA.redirectUri).toBe(CALLBACK);
    const authorization = new URL(await start(connectionA.id));
    expect(authorization.origin).toBe(idp.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: 'client-a',
      response_type: 'code',
      redirect_uri: CALLBACK,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
      state: expect.any(String),
      nonce: expect.any(String),
      code_challenge: expect.any(String),
    });

    const email = `new-${randomBytes(3).toString('hex')}@acme.test`;
    const callback = await signIn(connectionA.id, { sub: `sub-${email}`, email });
    expect(callback.status).toBe(302);
    const location = new URL(callback.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(`${APP_URL}/`);
    // Never a token in a URL: only the one-time code.
    expect([...location.searchParams.keys()]).toEqual(['code']);

    const tokens = await exchange(codeOf(callback.headers.location));
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'Bearer' });
    const me = await t.as(`Bearer ${tokens.body.accessToken}`).get('/v1/me');
    expect(me.body).toMatchObject({ user: { email, role: 'member' }, tenant: { id: a.id } });

    // The identity is (connection, subject); the second sign-in finds the same user.
    const [identity] = await t.owner`select connection_id, subject, user_id from sso_identities where tenant_id = ${a.id} and email = ${email}`;
    expect(identity).toMatchObject({ connection_id: connectionA.id, subject: `sub-${email}`, user_id: me.body.user.id });
    const again = await signIn(connectionA.id, { sub: `sub-${email}`, email });
    const second = await exchange(codeOf(again.headers.location));
    const meAgain = await t.as(`Bearer ${second.body.accessToken}`).get('/v1/me');
    expect(meAgain.body.user.id).toBe(me.body.user.id);

    const actions = await t.owner`select action from audit_logs where tenant_id = ${a.id} and resource_id = ${me.body.user.id} order by at`;
    expect(actions.map((row) => row.action)).toEqual(['user.provisioned', 'auth.sso_login']);
  });

  it('uses the one-time code once, and not after it expired', async () => {
    const email = `once-${randomBytes(3).toString('hex')}@acme.test`;
    const callback = await signIn(connectionA.id, { sub: `sub-${email}`, email });
    const code = codeOf(callback.headers.location);
    expect((await exchange(code)).status).toBe(200);
    expect((await exchange(code)).body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'The code is unknown, used or expired' });

    const late = await signIn(connectionA.id, { sub: `sub-${email}`, email });
    const lateCode = codeOf(late.headers.location);
    const redis = t.app.get<Redis>(REDIS);
    // This code's own key (another test's unused code may be stored beside it).
    const key = `${process.env.REDIS_KEY_PREFIX}:sso:code:${sha256(lateCode)}`;
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(60);
    await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await exchange(lateCode)).status).toBe(401);
    expect((await exchange('made-up')).status).toBe(401);
  });

  it('refuses a wrong state, a replayed callback (state and nonce single-use), and a callback without PKCE verifier match', async () => {
    const email = `attack-${randomBytes(3).toString('hex')}@acme.test`;
    await idp.nextLogin(`sub-${email}`, { email, email_verified: true });
    const callback = await idp.authorize(await start(connectionA.id));

    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-a-state-we-issued');
    expect((await deliver(forged)).body).toMatchObject({ statusCode: 400, message: 'Unknown or already used sign-in state' });

    expect((await deliver(callback)).status).toBe(302);
    // The same answer again: its state (and with it the nonce and PKCE verifier) is gone.
    expect((await deliver(callback)).body).toMatchObject({ statusCode: 400, message: 'Unknown or already used sign-in state' });

    // The IdP's code of one sign-in with the state of another: the code was issued for another PKCE challenge.
    await idp.nextLogin(`sub-${email}`, { email, email_verified: true });
    const first = await idp.authorize(await start(connectionA.id));
    await idp.nextLogin(`sub-${email}`, { email, email_verified: true });
    const second = await idp.authorize(await start(connectionA.id));
    const swapped = new URL(first);
    swapped.searchParams.set('state', second.searchParams.get('state')!);
    const refused = await deliver(swapped);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/^The identity provider's answer was refused: /);
  });

  it('refuses an answer from another issuer (mix-up) and an IdP error', async () => {
    const email = `mixup-${randomBytes(3).toString('hex')}@acme.test`;
    // The sign-in started at A's connection (issuer 1), but the browser is sent through issuer 2
    // with the same client id and redirect URI: its answer carries iss = issuer 2.
    const authorization = new URL(await start(connectionA.id));
    const rogue = new URL(`${otherIdp.issuer}/auth${authorization.search}`);
    await otherIdp.nextLogin(`sub-${email}`, { email, email_verified: true });
    const callback = await otherIdp.authorize(rogue.toString());
    expect(callback.searchParams.get('iss')).toBe(otherIdp.issuer);
    const refused = await deliver(callback);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/iss mismatch/);
    expect((await t.owner`select count(*)::int as n from users where email = ${email}`)[0]!.n).toBe(0);

    const denied = new URL(CALLBACK);
    denied.searchParams.set('state', new URL(await start(connectionA.id)).searchParams.get('state')!);
    denied.searchParams.set('error', 'access_denied');
    expect((await deliver(denied)).body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/access_denied/) });
    const [failure] = await t.owner`select changes from audit_logs where tenant_id = ${a.id} and action = 'auth.sso_failed' order by at desc limit 1`;
    expect(JSON.stringify(failure!.changes)).toMatch(/iss mismatch/);
  });

  it("refuses a code issued for another tenant's connection", async () => {
    const email = `cross-${randomBytes(3).toString('hex')}@acme.test`;
    // A signs in at B's connection (client-b); its code is then delivered with A's state.
    await idp.nextLogin(`sub-${email}`, { email, email_verified: true });
    const atB = await idp.authorize(await start(connectionB.id));
    const stateA = new URL(await start(connectionA.id)).searchParams.get('state')!;
    const crossed = new URL(atB);
    crossed.searchParams.set('state', stateA);
    const refused = await deliver(crossed);
    expect(refused.status).toBe(401);
    expect((await t.owner`select count(*)::int as n from users where email = ${email}`)[0]!.n).toBe(0);
  });

  it('sends the code only to APP_URL or a redirect URL the connection allows', async () => {
    const email = `redir-${randomBytes(3).toString('hex')}@acme.test`;
    const allowed = await signIn(connectionA.id, { sub: `sub-${email}`, email }, 'https://portal.acme.test/sso/done?next=%2Fprojects');
    expect(allowed.headers.location).toMatch(/^https:\/\/portal\.acme\.test\/sso\/done\?next=%2Fprojects&code=/);
    const underApp = await signIn(connectionA.id, { sub: `sub-${email}`, email }, `${APP_URL}/after/login`);
    expect(underApp.headers.location).toMatch(new RegExp(`^${APP_URL}/after/login\\?code=`));
    for (const redirect of ['https://evil.test/sso/done', 'https://portal.acme.test/other', 'javascript:alert(1)', 'not a url', 'https://user@portal.acme.test/sso/done']) {
      const response = await t.http().get(`/v1/auth/sso/${connectionA.id}/start`).query({ redirect });
      expect({ redirect, status: response.status }).toEqual({ redirect, status: 400 });
    }
    expect((await t.http().get(`/v1/auth/sso/${randomUUIDv4()}/start`)).status).toBe(404);
    expect((await t.http().get('/v1/auth/sso/not-a-uuid/start')).status).toBe(400);
  });

  it('links an existing password user only for a verified email at a verified domain', async () => {
    const tenant = await createTenantWithUsers(t);
    const domain = `link-${randomBytes(3).toString('hex')}.test`;
    const connection = await connect(tenant, 'client-link');
    const existing = await createUser(t, tenant, 'viewer', `ada@${domain}`);

    // Domain not verified by the tenant: refused even with a verified email.
    const unverifiedDomain = await signIn(connection.id, { sub: 'link-sub-1', email: existing.email });
    expect(unverifiedDomain.status).toBe(403);
    expect(unverifiedDomain.body.message).toMatch(/linked only when/);

    const added = await t.as(tenant.admin).post('/v1/tenant/domains').send({ domain });
    dns.setTxt(`_tenantry-challenge.${domain}`, [added.body.verification.value]);
    expect((await t.as(tenant.admin).post(`/v1/tenant/domains/${added.body.id}/verify`)).body.status).toBe('verified');

    // The IdP does not vouch for the email: still refused.
    const unverifiedEmail = await signIn(connection.id, { sub: 'link-sub-1', email: existing.email, email_verified: false });
    expect(unverifiedEmail.status).toBe(403);

    const linked = await signIn(connection.id, { sub: 'link-sub-1', email: existing.email });
    expect(linked.status).toBe(302);
    const tokens = await exchange(codeOf(linked.headers.location));
    const me = await t.as(`Bearer ${tokens.body.accessToken}`).get('/v1/me');
    expect(me.body.user).toMatchObject({ id: existing.id, role: 'viewer' });
    const [log] = await t.owner`select action from audit_logs where tenant_id = ${tenant.id} and action = 'sso.identity_linked'`;
    expect(log).toBeDefined();

    // Discovery now finds the tenant for that domain; an unknown or consumer domain finds nothing.
    const discovered = await t.http().post('/v1/auth/sso/discover').send({ email: `someone@${domain}` });
    expect(discovered.body).toEqual({ tenant: { slug: tenant.slug }, connectionId: connection.id });
    expect((await t.http().post('/v1/auth/sso/discover').send({ email: 'x@unknown-domain.test' })).status).toBe(404);
    expect((await t.http().post('/v1/auth/sso/discover').send({ email: 'not-an-email' })).status).toBe(400);
  });

  it('provisions with the default role and stops at the seat limit with 403 naming seats', async () => {
    const tenant = await createTenantWithUsers(t);
    await t.owner`update tenants set config = ${t.owner.json({ limits: { seats: 5 } })} where id = ${tenant.id}`;
    const connection = await connect(tenant, 'client-seats', { defaultRole: 'viewer' });
    const first = await signIn(connection.id, { sub: 'seat-1', email: `one@${tenant.slug}.test` });
    const me = await t.as(`Bearer ${(await exchange(codeOf(first.headers.location))).body.accessToken}`).get('/v1/me');
    expect(me.body.user.role).toBe('viewer');
    const full = await signIn(connection.id, { sub: 'seat-2', email: `two@${tenant.slug}.test` });
    expect(full.status).toBe(403);
    expect(full.body.message).toMatch(/quota_exceeded: .* 5 seats/);
    expect((await t.owner`select count(*)::int as n from users where tenant_id = ${tenant.id}`)[0]!.n).toBe(5);
  });

  it('security.ssoRequired refuses password sign-in to all but owners (break-glass), leaves API keys and SSO working', async () => {
    const tenant = await createTenantWithUsers(t);
    const connection = await connect(tenant, 'client-seats');
    const key = await createApiKey(t, tenant.admin, 'member');
    const password = (user: { email: string }) => t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: user.email, password: TEST_PASSWORD });
    expect((await password(tenant.member)).status).toBe(200);

    const patched = await t.as(tenant.admin).patch('/v1/tenant/settings').send({ security: { ssoRequired: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.security).toEqual({ ssoRequired: true });
    for (const user of [tenant.admin, tenant.member, tenant.viewer]) {
      expect((await password(user)).body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'This tenant requires single sign-on: sign in through its identity provider' });
    }
    // A wrong password is still the same 401 as anywhere else.
    expect((await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.member.email, password: 'wrong-password-1' })).status).toBe(401);
    expect((await password(tenant.owner)).status).toBe(200);
    expect((await t.as(key).get('/v1/projects')).status).toBe(200);
    const viaSso = await signIn(connection.id, { sub: 'sso-required-1', email: `sso@${tenant.slug}.test` });
    expect((await exchange(codeOf(viaSso.headers.location))).status).toBe(200);

    expect((await t.as(tenant.admin).patch('/v1/tenant/settings').send({ security: { ssoRequired: 'yes' } })).status).toBe(400);
    expect((await t.as(tenant.admin).patch('/v1/tenant/settings').send({ security: { ssoRequired: null } })).status).toBe(200);
    expect((await password(tenant.member)).status).toBe(200);
  });

  it('manages connections: owner and admin only, plan feature sso, never the secret, 404 across tenants', async () => {
    const list = await t.as(a.owner).get('/v1/tenant/sso/connections');
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([connectionA.id]);
    expect(JSON.stringify(list.body)).not.toContain(secretOf('client-a'));
    const [stored] = await t.owner`select ciphertext from tenant_secrets where tenant_id = ${a.id} and name = ${`sso:${connectionA.id}:client_secret`}`;
    expect(stored!.ciphertext).not.toContain(secretOf('client-a'));

    for (const user of [a.member, a.viewer]) {
      expect((await t.as(user).get('/v1/tenant/sso/connections')).status).toBe(403);
      expect((await t.as(user).post('/v1/tenant/sso/connections').send({ type: 'oidc' })).status).toBe(403);
      expect((await t.as(user).patch(`/v1/tenant/sso/connections/${connectionA.id}`).send({ name: 'x' })).status).toBe(403);
      expect((await t.as(user).delete(`/v1/tenant/sso/connections/${connectionA.id}`)).status).toBe(403);
    }
    for (const call of [
      t.as(a.owner).get(`/v1/tenant/sso/connections/${connectionB.id}`),
      t.as(a.owner).patch(`/v1/tenant/sso/connections/${connectionB.id}`).send({ name: 'hijacked' }),
      t.as(a.owner).delete(`/v1/tenant/sso/connections/${connectionB.id}`),
    ]) {
      expect((await call).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'SSO connection not found' });
    }

    const free = await createTenant(t, { plan: 'free' });
    const freeOwner = await createUser(t, free, 'owner');
    const refused = await t.as(freeOwner).post('/v1/tenant/sso/connections').send({ type: 'oidc', issuer: idp.issuer, clientId: 'x', clientSecret: 'y' });
    expect(refused.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'The sso feature is not part of the free plan' });

    const bad = await t.as(a.admin).post('/v1/tenant/sso/connections').send({ type: 'oidc', issuer: 'ftp://idp', clientId: 'x', clientSecret: 'y' });
    expect(bad.status).toBe(400);
    const owner = await t.as(a.admin).post('/v1/tenant/sso/connections').send({ type: 'oidc', issuer: idp.issuer, clientId: 'x', clientSecret: 'y', defaultRole: 'owner' });
    expect(owner.status).toBe(400);

    const created = await t.as(a.admin).post('/v1/tenant/sso/connections').send({ type: 'oidc', issuer: idp.issuer, clientId: 'tmp', clientSecret: 'tmp-secret' });
    const [log] = await t.owner`select changes from audit_logs where tenant_id = ${a.id} and action = 'sso.connection_created' and resource_id = ${created.body.id}`;
    expect(JSON.stringify(log!.changes)).not.toContain('tmp-secret');
    const disabled = await t.as(a.admin).patch(`/v1/tenant/sso/connections/${created.body.id}`).send({ isEnabled: false });
    expect(disabled.body.isEnabled).toBe(false);
    expect((await t.http().get(`/v1/auth/sso/${created.body.id}/start`)).status).toBe(404);
    expect((await t.as(a.admin).delete(`/v1/tenant/sso/connections/${created.body.id}`)).status).toBe(204);
    expect((await t.owner`select count(*)::int as n from tenant_secrets where name = ${`sso:${created.body.id}:client_secret`}`)[0]!.n).toBe(0);
  });
});

function randomUUIDv4(): string {
  return '00000000-0000-4000-8000-000000000000';
}
