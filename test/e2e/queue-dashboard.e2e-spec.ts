import { ALL_QUEUE_NAMES } from '@tenantry/queues';
import { createApiKey, createSystemAdmin, createTenant, createTenantWithUsers, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

type SystemAdmin = Awaited<ReturnType<typeof createSystemAdmin>>;

/** The `tenantry_queues=...` pair of a Set-Cookie header, ready for a Cookie header. */
function sessionCookie(setCookie: string[] | string | undefined): { pair: string; attributes: string } {
  const header = [setCookie ?? []].flat().find((cookie) => cookie.startsWith('tenantry_queues='));
  if (!header) throw new Error(`no dashboard cookie in ${JSON.stringify(setCookie)}`);
  return { pair: header.split(';')[0]!, attributes: header };
}

describe('queue dashboard at /admin/queues', () => {
  const t = useTestApp();
  let admin: SystemAdmin;
  let tenant: TestTenantWithUsers;

  beforeAll(async () => {
    admin = await createSystemAdmin(t);
    tenant = await createTenantWithUsers(t);
  });

  it('refuses a request without credentials, UI and API alike, with the API error shape', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const response = await t.http().get(path);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('/v1/admin/queues/session') });
      expect(response.text).not.toContain('<html');
    }
  });

  it('refuses tenant tokens and API keys, even an owner', async () => {
    const key = await createApiKey(t, tenant.owner, 'admin');
    for (const auth of [tenant.owner.auth, tenant.admin.auth, key.auth]) {
      const ui = await t.as(auth).get('/admin/queues');
      expect(ui.status).toBe(403);
      expect(ui.text).not.toContain('<html');
      expect((await t.as(auth).get('/admin/queues/api/queues')).status).toBe(403);
    }
    expect((await t.as(tenant.owner).post('/v1/admin/queues/session')).status).toBe(403);
    expect((await t.http().post('/v1/admin/queues/session')).status).toBe(401);
  });

  it('refuses a bad bearer and a cookie that is not a dashboard session', async () => {
    expect((await t.as(`${admin.auth}x`).get('/admin/queues')).status).toBe(401);
    expect((await t.as('Basic YWRtaW46YWRtaW4=').get('/admin/queues')).status).toBe(401);
    // An access token, even a system admin's, is no dashboard session: the cookie takes only those.
    expect((await t.http().get('/admin/queues').set('cookie', `tenantry_queues=${admin.token}`)).status).toBe(401);
    expect((await t.http().get('/admin/queues').set('cookie', `tenantry_queues=${tenant.owner.token}`)).status).toBe(401);
  });

  it('serves the UI and its API to a system admin bearer, listing every queue', async () => {
    const ui = await t.as(admin).get('/admin/queues');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toContain('<title>tenantry queues</title>');
    expect(ui.headers['cache-control']).toBe('no-store');
    const api = await t.as(admin).get('/admin/queues/api/queues');
    expect(api.status).toBe(200);
    const names = (api.body.queues as { name: string }[]).map((queue) => queue.name).sort();
    expect(names).toEqual([...ALL_QUEUE_NAMES].sort());
    expect(names).toEqual(expect.arrayContaining(['tenant-purge', 'tenant-export', 'audit-retention']));
  });

  it('opens a browser session: an HttpOnly, SameSite=Strict cookie scoped to /admin/queues that shows queued jobs', async () => {
    const session = await t.as(admin).post('/v1/admin/queues/session');
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ path: '/admin/queues', expiresIn: 900 });
    const cookie = sessionCookie(session.headers['set-cookie']);
    expect(cookie.attributes).toMatch(/; HttpOnly/);
    expect(cookie.attributes).toMatch(/; SameSite=Strict/);
    expect(cookie.attributes).toMatch(/; Path=\/admin\/queues/);
    expect(cookie.attributes).toMatch(/; Max-Age=900/);
    // The cookie is no API credential.
    expect((await t.as(`Bearer ${cookie.pair.split('=')[1]}`).get('/v1/admin/tenants')).status).toBe(401);

    // No worker runs in this test: an export requested now waits in its queue.
    const target = await createTenant(t);
    const exported = await t.as(admin).post(`/v1/admin/tenants/${target.id}/export`);
    expect(exported.status).toBe(202);

    expect((await t.http().get('/admin/queues').set('cookie', cookie.pair)).status).toBe(200);
    const api = await t.http().get('/admin/queues/api/queues').query({ activeQueue: 'tenant-export', status: 'waiting' }).set('cookie', cookie.pair);
    expect(api.status).toBe(200);
    const exportQueue = (api.body.queues as { name: string; counts: Record<string, number>; jobs: { id: string }[] }[]).find((queue) => queue.name === 'tenant-export');
    expect(exportQueue?.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(exportQueue?.jobs.map((job) => job.id)).toContain(exported.body.jobId);
  });

  it("ends with the admin: a removed admin's bearer and dashboard session are refused at once, and signing out ends the session", async () => {
    const leaving = await createSystemAdmin(t);
    const cookie = sessionCookie((await t.as(leaving).post('/v1/admin/queues/session')).headers['set-cookie']);
    expect((await t.http().get('/admin/queues/api/queues').set('cookie', cookie.pair)).status).toBe(200);
    await t.owner`delete from system_admins where id = ${leaving.id}`;
    for (const response of [await t.as(leaving).get('/admin/queues/api/queues'), await t.http().get('/admin/queues/api/queues').set('cookie', cookie.pair)]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'This system admin no longer exists' });
    }

    // A signed-in admin (a session): the dashboard session opened with its token ends when it signs out.
    const signedIn = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(200);
    const session = sessionCookie((await t.as(`Bearer ${signedIn.body.accessToken}`).post('/v1/admin/queues/session')).headers['set-cookie']);
    expect((await t.http().get('/admin/queues/api/queues').set('cookie', session.pair)).status).toBe(200);
    await t.http().post('/v1/admin/auth/logout').send({ refreshToken: signedIn.body.refreshToken }).expect(204);
    const after = await t.http().get('/admin/queues/api/queues').set('cookie', session.pair);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/signed out/);
    expect((await t.as(`Bearer ${signedIn.body.accessToken}`).get('/admin/queues')).status).toBe(401);
    // The admin's other credentials stand.
    expect((await t.as(admin).get('/admin/queues/api/queues')).status).toBe(200);
  });
});
