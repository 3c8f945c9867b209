import { ALL_QUEUE_NAMES } from '@tenantry/queues';
import { createApiKey, createSystemAdmin, createTenant, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

type SystemAdmin = Awaited<ReturnType<typeof createSystemAdmin>>;

/** The `tenantry_queues=...` pair of a Set-Cookie header, ready for a Cookie header. */
function sessionCookie(setCookie: string[] | string | undefined): { pair: string; attributes: string } {
  const header = [setCookie ?? []].flat().find((cookie) => cookie.startsWith('tenantry_queues='));
  if (!header) throw new Error(`no dashboard cookie in ${JSON.stringify(setCookie)}`);
  return { pair: header.split(';')[0]!, attributes: header };
}

describe('queue dashboard at /admin/queues', () => {
  let t: TestApp;
  let admin: SystemAdmin;
  let tenant: TestTenantWithUsers;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createSystemAdmin(t);
    tenant = await createTenantWithUsers(t);
  });
  afterAll(() => t.close());

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
      const ui = await t.http().get('/admin/queues').set('authorization', auth);
      expect(ui.status).toBe(403);
      expect(ui.text).not.toContain('<html');
      expect((await t.http().get('/admin/queues/api/queues').set('authorization', auth)).status).toBe(403);
    }
    expect((await t.http().post('/v1/admin/queues/session').set('authorization', tenant.owner.auth)).status).toBe(403);
    expect((await t.http().post('/v1/admin/queues/session')).status).toBe(401);
  });

  it('refuses a bad bearer and a cookie that is not a dashboard session', async () => {
    expect((await t.http().get('/admin/queues').set('authorization', `${admin.auth}x`)).status).toBe(401);
    expect((await t.http().get('/admin/queues').set('authorization', 'Basic YWRtaW46YWRtaW4=')).status).toBe(401);
    // An access token, even a system admin's, is no dashboard session: the cookie takes only those.
    expect((await t.http().get('/admin/queues').set('cookie', `tenantry_queues=${admin.token}`)).status).toBe(401);
    expect((await t.http().get('/admin/queues').set('cookie', `tenantry_queues=${tenant.owner.token}`)).status).toBe(401);
  });

  it('serves the UI and its API to a system admin bearer, listing every queue', async () => {
    const ui = await t.http().get('/admin/queues').set('authorization', admin.auth);
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toContain('<title>tenantry queues</title>');
    expect(ui.headers['cache-control']).toBe('no-store');
    const api = await t.http().get('/admin/queues/api/queues').set('authorization', admin.auth);
    expect(api.status).toBe(200);
    const names = (api.body.queues as { name: string }[]).map((queue) => queue.name).sort();
    expect(names).toEqual([...ALL_QUEUE_NAMES].sort());
    expect(names).toEqual(expect.arrayContaining(['tenant-purge', 'tenant-export', 'audit-retention']));
  });

  it('opens a browser session: an HttpOnly, SameSite=Strict cookie scoped to /admin/queues that shows queued jobs', async () => {
    const session = await t.http().post('/v1/admin/queues/session').set('authorization', admin.auth);
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ path: '/admin/queues', expiresIn: 900 });
    const cookie = sessionCookie(session.headers['set-cookie']);
    expect(cookie.attributes).toMatch(/; HttpOnly/);
    expect(cookie.attributes).toMatch(/; SameSite=Strict/);
    expect(cookie.attributes).toMatch(/; Path=\/admin\/queues/);
    expect(cookie.attributes).toMatch(/; Max-Age=900/);
    // The cookie is no API credential.
    expect((await t.http().get('/v1/admin/tenants').set('authorization', `Bearer ${cookie.pair.split('=')[1]}`)).status).toBe(401);

    // No worker runs in this test: an export requested now waits in its queue.
    const target = await createTenant(t);
    const exported = await t.http().post(`/v1/admin/tenants/${target.id}/export`).set('authorization', admin.auth);
    expect(exported.status).toBe(202);

    expect((await t.http().get('/admin/queues').set('cookie', cookie.pair)).status).toBe(200);
    const api = await t.http().get('/admin/queues/api/queues').query({ activeQueue: 'tenant-export', status: 'waiting' }).set('cookie', cookie.pair);
    expect(api.status).toBe(200);
    const exportQueue = (api.body.queues as { name: string; counts: Record<string, number>; jobs: { id: string }[] }[]).find((queue) => queue.name === 'tenant-export');
    expect(exportQueue?.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(exportQueue?.jobs.map((job) => job.id)).toContain(exported.body.jobId);
  });
});
