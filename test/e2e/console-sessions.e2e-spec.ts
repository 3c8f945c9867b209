import request from 'supertest';
import { ensureConsoleBuilt } from '../../apps/api/src/console/console-build';
import { createSystemAdmin, createTenantWithUsers, TEST_PASSWORD, type TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

const ORIGIN = 'http://127.0.0.1';

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
    for (const path of ['/v1/console/auth/login', '/v1/console/auth/refresh', '/v1/console/auth/logout', '/v1/console/admin/auth/refresh']) {
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
