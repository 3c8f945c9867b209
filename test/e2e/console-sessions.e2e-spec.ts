import { createHash, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import request from 'supertest';
import { ensureConsoleBuilt } from '../../apps/api/src/console/console-build';
import { createSystemAdmin, createTenantWithUsers, createUser, TEST_PASSWORD, type TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

const ORIGIN = 'http://127.0.0.1';
/** The code an authenticator shows `steps` 30-second steps from now (the API takes one step of drift; each step once). */
const totp = (secret: string, steps = 0) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);
const SHARED_ERROR = { statusCode: expect.any(Number), error: expect.any(String), message: expect.anything() };

/** `name=value` of a Set-Cookie header, and its attributes. */
function sessionCookie(response: request.Response, name: string): { pair: string; attributes: string } {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair: pair!, attributes: attributes.join('; ') };
}

describe('console sessions: refresh token in an HttpOnly cookie, CSRF-checked', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;
  // The console's own origin: the address the app listens on.
  let origin: string;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
    admin = await createSystemAdmin(t);
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `${ORIGIN}:${server.address().port}`;
  });

  // Over a real socket, so the Host header is the listening address, as a browser's would be.
  const post = (path: string) => request(origin).post(path);
  const login = () => post('/v1/console/auth/login').set('origin', origin).send({ tenant: acme.slug, email: acme.owner.email, password: TEST_PASSWORD });

  it('signs in with the refresh token only in an HttpOnly, SameSite=Strict cookie scoped to the auth routes', async () => {
    const response = await login().expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Object.keys(response.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const cookie = sessionCookie(response, 'tenantry_session');
    expect(cookie.pair).toMatch(/^tenantry_session=rt_/);
    expect(cookie.attributes).toMatch(/Path=\/v1\/console\/auth/);
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).not.toMatch(/Secure/);
    const me = await t.as(`Bearer ${response.body.accessToken}`).get('/v1/me').expect(200);
    expect(me.body.user.email).toBe(acme.owner.email);
  });

  it('refreshes from the cookie (rotating it), revokes the family on reuse, and refuses without a cookie', async () => {
    const first = sessionCookie(await login().expect(200), 'tenantry_session').pair;
    const refreshed = await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', first).expect(200);
    const second = sessionCookie(refreshed, 'tenantry_session').pair;
    expect(second).not.toBe(first);
    expect(refreshed.body.accessToken).toEqual(expect.any(String));
    // The rotated-away token again: reuse, so the whole family (the second one too) is revoked.
    const reused = await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', first).expect(401);
    expect(sessionCookie(reused, 'tenantry_session').attributes).toMatch(/Expires=Thu, 01 Jan 1970/);
    await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', second).expect(401);
    const none = await post('/v1/console/auth/refresh').set('origin', origin).expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, message: 'No console session: sign in' });
  });

  it('signs out by revoking the family and clearing the cookie', async () => {
    const cookie = sessionCookie(await login().expect(200), 'tenantry_session').pair;
    const out = await post('/v1/console/auth/logout').set('origin', origin).set('cookie', cookie).expect(204);
    expect(sessionCookie(out, 'tenantry_session').attributes).toMatch(/Expires=Thu, 01 Jan 1970/);
    await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', cookie).expect(401);
    await post('/v1/console/auth/logout').set('origin', origin).expect(204);
  });

  it.each([
    ['no Origin', {}],
    ['another origin', { origin: 'https://evil.example' }],
    ['a cross-site fetch', { origin: ORIGIN, 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s (CSRF) on every cookie route with 403', async (_, headers: Record<string, string>) => {
    const cookie = sessionCookie(await login().expect(200), 'tenantry_session').pair;
    for (const path of [
      '/v1/console/auth/login',
      '/v1/console/auth/refresh',
      '/v1/console/auth/logout',
      '/v1/console/auth/mfa',
      '/v1/console/auth/invitations/accept',
      '/v1/console/auth/sso/exchange',
      '/v1/console/admin/auth/refresh',
      '/v1/console/admin/auth/mfa',
    ]) {
      const attempt = post(path).set('cookie', cookie);
      for (const [name, value] of Object.entries(headers)) attempt.set(name, name === 'origin' && value === ORIGIN ? origin : value);
      const response = await attempt.send(path.endsWith('login') ? { tenant: acme.slug, email: acme.owner.email, password: TEST_PASSWORD } : undefined);
      expect([path, response.status, response.body.statusCode]).toEqual([path, 403, 403]);
    }
    // The refused logout revoked nothing.
    await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', cookie).expect(200);
  });

  it('runs the same for system admins, with their own cookie on their own path', async () => {
    const wrong = await post('/v1/console/admin/auth/login').set('origin', origin).send({ email: admin.email, password: 'nope' });
    expect(wrong.status).toBe(401);
    const response = await post('/v1/console/admin/auth/login').set('origin', origin).send({ email: admin.email, password: TEST_PASSWORD }).expect(200);
    const cookie = sessionCookie(response, 'tenantry_admin_session');
    expect(cookie.pair).toMatch(/^tenantry_admin_session=art_/);
    expect(cookie.attributes).toMatch(/Path=\/v1\/console\/admin\/auth; .*HttpOnly; SameSite=Strict/);
    await t.as(`Bearer ${response.body.accessToken}`).get('/v1/admin/plans').expect(200);
    // A tenant cookie is no admin session, and the other way round.
    const tenantCookie = sessionCookie(await login().expect(200), 'tenantry_session').pair.replace('tenantry_session', 'tenantry_admin_session');
    await post('/v1/console/admin/auth/refresh').set('origin', origin).set('cookie', tenantCookie).expect(401);
    const refreshed = await post('/v1/console/admin/auth/refresh').set('origin', origin).set('cookie', cookie.pair).expect(200);
    const rotated = sessionCookie(refreshed, 'tenantry_admin_session').pair;
    await post('/v1/console/admin/auth/logout').set('origin', origin).set('cookie', rotated).expect(204);
    await post('/v1/console/admin/auth/refresh').set('origin', origin).set('cookie', rotated).expect(401);
  });

  /** Enrols a TOTP factor through HTTP (`/v1/me/mfa` or `/v1/admin/me/mfa`); answers the secret and the recovery codes. */
  async function enrolMfa(base: '/v1/me' | '/v1/admin/me', auth: string) {
    const started = await t.http().post(`${base}/mfa/totp`).set('authorization', auth).expect(201);
    const confirmed = await t.http().post(`${base}/mfa/totp/confirm`).set('authorization', auth).send({ code: totp(started.body.secret) }).expect(200);
    return { secret: started.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  it('asks an account with MFA for its second factor: no cookie until a right code, a wrong one a 401 in the shared shape, a recovery code once', async () => {
    const user = await createUser(t, acme, 'admin');
    const { secret, recoveryCodes } = await enrolMfa('/v1/me', user.auth);
    const signIn = () => post('/v1/console/auth/login').set('origin', origin).send({ tenant: acme.slug, email: user.email, password: TEST_PASSWORD }).expect(200);

    const challenge = await signIn();
    expect(challenge.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });
    expect(challenge.headers['set-cookie']).toBeUndefined();
    // The mfa token is no access token.
    await t.as(`Bearer ${challenge.body.mfaToken}`).get('/v1/me').expect(401);

    const wrong = await post('/v1/console/auth/mfa').set('origin', origin).send({ mfaToken: challenge.body.mfaToken, code: totp(secret, 5) }).expect(401);
    expect(wrong.body).toMatchObject(SHARED_ERROR);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const malformed = await post('/v1/console/auth/mfa').set('origin', origin).send({ mfaToken: challenge.body.mfaToken, code: '12ab56' }).expect(400);
    expect(malformed.body.message).toEqual(['code must be the 6 digits of the authenticator']);

    const done = await post('/v1/console/auth/mfa').set('origin', origin).send({ mfaToken: challenge.body.mfaToken, code: totp(secret, 1) }).expect(200);
    expect(Object.keys(done.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const cookie = sessionCookie(done, 'tenantry_session');
    expect(cookie.attributes).toMatch(/Path=\/v1\/console\/auth; .*HttpOnly; SameSite=Strict/);
    expect((await t.as(`Bearer ${done.body.accessToken}`).get('/v1/me').expect(200)).body.user.email).toBe(user.email);
    await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', cookie.pair).expect(200);

    const again = await signIn();
    const recovered = await post('/v1/console/auth/mfa').set('origin', origin).send({ mfaToken: again.body.mfaToken, recoveryCode: recoveryCodes[0]!.toUpperCase() }).expect(200);
    sessionCookie(recovered, 'tenantry_session');
    const third = await signIn();
    await post('/v1/console/auth/mfa').set('origin', origin).send({ mfaToken: third.body.mfaToken, recoveryCode: recoveryCodes[0] }).expect(401);
  });

  it('gives a system admin with MFA the same second step, on the admin cookie; a tenant\'s mfa token is refused there', async () => {
    const second = await createSystemAdmin(t);
    const { secret } = await enrolMfa('/v1/admin/me', second.auth);
    const challenge = await post('/v1/console/admin/auth/login').set('origin', origin).send({ email: second.email, password: TEST_PASSWORD }).expect(200);
    expect(challenge.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });
    expect(challenge.headers['set-cookie']).toBeUndefined();

    const user = await createUser(t, acme, 'member');
    await enrolMfa('/v1/me', user.auth);
    const tenantChallenge = await post('/v1/console/auth/login').set('origin', origin).send({ tenant: acme.slug, email: user.email, password: TEST_PASSWORD }).expect(200);
    const crossed = await post('/v1/console/admin/auth/mfa').set('origin', origin).send({ mfaToken: tenantChallenge.body.mfaToken, code: '123456' }).expect(401);
    expect(crossed.body).toMatchObject(SHARED_ERROR);

    const done = await post('/v1/console/admin/auth/mfa').set('origin', origin).send({ mfaToken: challenge.body.mfaToken, code: totp(secret, 1) }).expect(200);
    const cookie = sessionCookie(done, 'tenantry_admin_session');
    expect(cookie.pair).toMatch(/^tenantry_admin_session=art_/);
    await t.as(`Bearer ${done.body.accessToken}`).get('/v1/admin/plans').expect(200);
  });

  it('accepts an invitation into a cookie session with the invited role; the token works once', async () => {
    const email = `invited-${randomBytes(4).toString('hex')}@example.com`;
    const invited = await t.as(acme.admin).post('/v1/invitations').send({ email, role: 'viewer' }).expect(201);
    // The token is only ever in the mail; the test swaps in a known one, as the mail would carry it.
    const token = `inv_${acme.id}.${randomBytes(32).toString('base64url')}`;
    await t.owner`update invitations set token_hash = ${createHash('sha256').update(token).digest('hex')} where id = ${invited.body.id}`;

    const weak = await post('/v1/console/auth/invitations/accept').set('origin', origin).send({ token, password: 'short' }).expect(400);
    expect(weak.headers['set-cookie']).toBeUndefined();
    const accepted = await post('/v1/console/auth/invitations/accept').set('origin', origin).send({ token, password: 'a good new password' }).expect(200);
    expect(accepted.headers['cache-control']).toBe('no-store');
    expect(Object.keys(accepted.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType']);
    const cookie = sessionCookie(accepted, 'tenantry_session');
    const me = await t.as(`Bearer ${accepted.body.accessToken}`).get('/v1/me').expect(200);
    expect(me.body.user).toMatchObject({ email, role: 'viewer' });
    await post('/v1/console/auth/refresh').set('origin', origin).set('cookie', cookie.pair).expect(200);
    const reused = await post('/v1/console/auth/invitations/accept').set('origin', origin).send({ token, password: 'a good new password' }).expect(410);
    expect(reused.body).toMatchObject({ statusCode: 410, message: 'This invitation has already been accepted' });
    await post('/v1/console/auth/invitations/accept').set('origin', origin).send({ token: 'inv_nonsense', password: 'a good new password' }).expect(404);
  });

  it('refuses an unknown single sign-on code with a 401 and sets no cookie', async () => {
    const response = await post('/v1/console/auth/sso/exchange').set('origin', origin).send({ code: 'not-a-code' }).expect(401);
    expect(response.body).toMatchObject({ statusCode: 401, message: 'The code is unknown, used or expired' });
    expect(response.headers['set-cookie']).toBeUndefined();
    await post('/v1/console/auth/sso/exchange').set('origin', origin).send({}).expect(400);
  });
});

describe('console pages', () => {
  const t = useTestApp();
  beforeAll(() => {
    ensureConsoleBuilt();
  });

  it.each(['/console/', '/console/admin/', '/console/admin/tenants/5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a', '/console/projects'])(
    'serves index.html at %s, never cached, under a CSP without inline scripts',
    async (path) => {
      const response = await t.http().get(path).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-store');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(response.text).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js"><\/script>/);
      // No inline script at all: every <script> has a src.
      expect(response.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    },
  );

  it('serves hashed assets cached for a year, and 404 for a missing one', async () => {
    const html = (await t.http().get('/console/').expect(200)).text;
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await t.http().get(script).expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    await t.http().get('/console/assets/index-missing.js').expect(404);
  });

  it('redirects /console to /console/', async () => {
    const response = await t.http().get('/console').expect(301);
    expect(response.headers.location).toBe('/console/');
  });
});
