import type { AddressInfo } from 'node:net';
import { createProject, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

const waitForCache = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('plans at work: features, counted limits, rate limits, quotas', () => {
  let t: TestApp;
  let base: string;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await createSystemAdmin(t);
  });
  afterAll(() => t.close());

  const override = (tenant: { id: string }, config: object) =>
    t.http().patch(`/v1/admin/tenants/${tenant.id}/config`).set('authorization', admin.auth).send(config).expect(200);

  describe('feature gates', () => {
    it('refuses a route outside the plan with 403 naming the feature and the plan', async () => {
      const free = await createTenantWithUsers(t, { plan: 'free' });
      const response = await t.http().get('/v1/projects/export.csv').set('authorization', free.viewer.auth);
      expect(response.status).toBe(403);
      expect(response.body.message).toBe('The csv_export feature is not part of the free plan');
    });

    it('serves it once the plan (or an override) has the feature', async () => {
      const tenant = await createTenantWithUsers(t, { plan: 'free' });
      await createProject(t, tenant.owner, 'Alpha, "quoted"');
      await override(tenant, { features: { csv_export: true } });
      await waitForCache();
      const response = await t.http().get('/v1/projects/export.csv').set('authorization', tenant.viewer.auth);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/csv/);
      const lines = response.text.trim().split('\r\n');
      expect(lines[0]).toBe('id,name,description,created_at,updated_at');
      expect(lines[1]).toContain('"Alpha, ""quoted"""');
      expect(lines).toHaveLength(2);
    });
  });

  describe('counted limits', () => {
    it('holds under 50 concurrent creates against a limit of 10: exactly 10 rows, 40 × 403 quota_exceeded', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { projects: 10 } });
      await waitForCache();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${base}/v1/projects`, {
            method: 'POST',
            headers: { authorization: tenant.member.auth, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `race ${i}` }),
          }).then(async (response) => ({ status: response.status, body: (await response.json()) as { message?: string } })),
        ),
      );
      const created = responses.filter((r) => r.status === 201);
      const refused = responses.filter((r) => r.status === 403);
      expect(created).toHaveLength(10);
      expect(refused).toHaveLength(40);
      expect(refused.every((r) => /^quota_exceeded/.test(r.body.message ?? ''))).toBe(true);
      const [row] = await t.owner`select count(*)::int as count from projects where tenant_id = ${tenant.id}`;
      expect(row!.count).toBe(10);
    });

    it('frees a slot on delete, and blocks (but deletes nothing) when the plan drops below usage', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { projects: 2 } });
      const first = await createProject(t, tenant.owner);
      await createProject(t, tenant.owner);
      expect((await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'x' })).status).toBe(403);
      await t.http().delete(`/v1/projects/${first.id}`).set('authorization', tenant.owner.auth).expect(204);
      expect((await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'x' })).status).toBe(201);

      await override(tenant, { limits: { projects: 1 } });
      expect((await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'y' })).status).toBe(403);
      const list = await t.http().get('/v1/projects').set('authorization', tenant.owner.auth);
      expect(list.body.data).toHaveLength(2);
    });
  });

  describe('rate limits', () => {
    it('spends a per-tenant bucket, says so in headers, and answers 429 with Retry-After when empty', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 6, requests_burst: 3 } });
      await waitForCache();
      const remaining: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await t.http().get('/v1/projects').set('authorization', tenant.viewer.auth);
        expect(response.status).toBe(200);
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
        remaining.push(response.headers['ratelimit-remaining']);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const limited = await t.http().get('/v1/projects').set('authorization', tenant.owner.auth);
      expect(limited.status).toBe(429);
      expect(limited.body.message).toMatch(/rate_limited/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    });

    it('never lets one tenant’s exhausted limit touch another tenant', async () => {
      const [noisy, quiet] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
      await override(noisy, { limits: { requests_per_minute: 60, requests_burst: 2 } });
      await override(quiet, { limits: { requests_per_minute: 60, requests_burst: 5 } });
      await waitForCache();
      const noisyStatuses = [];
      for (let i = 0; i < 5; i += 1) noisyStatuses.push((await t.http().get('/v1/projects').set('authorization', noisy.viewer.auth)).status);
      expect(noisyStatuses).toEqual([200, 200, 429, 429, 429]);
      const quietResponse = await t.http().get('/v1/projects').set('authorization', quiet.viewer.auth);
      expect(quietResponse.status).toBe(200);
      expect(quietResponse.headers['ratelimit-remaining']).toBe('4');
    });

    it('applies a plan change on the next request after at most a second', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 60, requests_burst: 2 } });
      await waitForCache();
      expect((await t.http().get('/v1/projects').set('authorization', tenant.viewer.auth)).headers['ratelimit-limit']).toBe('2');
      await override(tenant, { limits: { requests_per_minute: 600, requests_burst: 50 } });
      await waitForCache();
      expect((await t.http().get('/v1/projects').set('authorization', tenant.viewer.auth)).headers['ratelimit-limit']).toBe('50');
    });
  });

  describe('GET /v1/quotas', () => {
    it('shows every member the limits and their use', async () => {
      const tenant: TestTenantWithUsers = await createTenantWithUsers(t, { plan: 'free' });
      await createProject(t, tenant.owner);
      const response = await t.http().get('/v1/quotas').set('authorization', tenant.viewer.auth);
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        { metric: 'seats', limit: 3, used: 4, period: 'none', resetsAt: null },
        { metric: 'projects', limit: 3, used: 1, period: 'none', resetsAt: null },
        { metric: 'requests_per_minute', limit: 60, used: expect.any(Number), period: 'minute', resetsAt: expect.any(String) },
        { metric: 'api_calls_per_month', limit: 10000, used: expect.any(Number), period: 'month', resetsAt: expect.any(String) },
      ]);
      const resetsAt = new Date(response.body[3].resetsAt);
      expect(resetsAt.getTime()).toBeGreaterThan(Date.now());
      expect([resetsAt.getUTCDate(), resetsAt.getUTCHours(), resetsAt.getUTCMinutes()]).toEqual([1, 0, 0]);
      expect(response.body[2].used).toBeGreaterThanOrEqual(1);
    });
  });
});
