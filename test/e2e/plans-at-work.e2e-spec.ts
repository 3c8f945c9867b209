import type { AddressInfo } from 'node:net';
import { AppConfig } from '@tenantry/config';
import { EFFECTIVE_CONFIG_CACHE_FALLBACK_MAX_AGE_MS, EffectiveConfigCache, tenantConfigChannel } from '@tenantry/plans';
import { REDIS } from '@tenantry/redis';
import type Redis from 'ioredis';
import { createProject, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';


describe('plans at work: features, counted limits, rate limits, quotas', () => {
  const t = useTestApp();
  let base: string;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await createSystemAdmin(t);
  });

  const override = (tenant: { id: string }, config: object) =>
    t.as(admin).patch(`/v1/admin/tenants/${tenant.id}/config`).send(config).expect(200);

  describe('feature gates', () => {
    it('refuses a route outside the plan with 403 naming the feature and the plan', async () => {
      const free = await createTenantWithUsers(t, { plan: 'free' });
      const response = await t.as(free.viewer).get('/v1/projects/export.csv');
      expect(response.status).toBe(403);
      expect(response.body.message).toBe('The csv_export feature is not part of the free plan');
    });

    it('serves it once the plan (or an override) has the feature', async () => {
      const tenant = await createTenantWithUsers(t, { plan: 'free' });
      await createProject(t, tenant.owner, 'Alpha, "quoted"');
      await override(tenant, { features: { csv_export: true } });
      const response = await t.as(tenant.viewer).get('/v1/projects/export.csv');
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
      expect((await t.as(tenant.owner).post('/v1/projects').send({ name: 'x' })).status).toBe(403);
      await t.as(tenant.owner).delete(`/v1/projects/${first.id}`).expect(204);
      expect((await t.as(tenant.owner).post('/v1/projects').send({ name: 'x' })).status).toBe(201);

      await override(tenant, { limits: { projects: 1 } });
      expect((await t.as(tenant.owner).post('/v1/projects').send({ name: 'y' })).status).toBe(403);
      const list = await t.as(tenant.owner).get('/v1/projects');
      expect(list.body.data).toHaveLength(2);
    });
  });

  describe('rate limits', () => {
    it('spends a per-tenant bucket, says so in headers, and answers 429 with Retry-After when empty', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 6, requests_burst: 3 } });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await t.as(tenant.viewer).get('/v1/projects');
        expect(response.status).toBe(200);
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
        remaining.push(response.headers['ratelimit-remaining']);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const limited = await t.as(tenant.owner).get('/v1/projects');
      expect(limited.status).toBe(429);
      expect(limited.body.message).toMatch(/rate_limited/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    });

    it('never lets one tenant’s exhausted limit touch another tenant', async () => {
      const [noisy, quiet] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
      await override(noisy, { limits: { requests_per_minute: 60, requests_burst: 2 } });
      await override(quiet, { limits: { requests_per_minute: 60, requests_burst: 5 } });
      const noisyStatuses = [];
      for (let i = 0; i < 5; i += 1) noisyStatuses.push((await t.as(noisy.viewer).get('/v1/projects')).status);
      expect(noisyStatuses).toEqual([200, 200, 429, 429, 429]);
      const quietResponse = await t.as(quiet.viewer).get('/v1/projects');
      expect(quietResponse.status).toBe(200);
      expect(quietResponse.headers['ratelimit-remaining']).toBe('4');
    });

    it('applies a config change on the very next request', async () => {
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 60, requests_burst: 2 } });
      expect((await t.as(tenant.viewer).get('/v1/projects')).headers['ratelimit-limit']).toBe('2');
      await override(tenant, { limits: { requests_per_minute: 600, requests_burst: 50 } });
      expect((await t.as(tenant.viewer).get('/v1/projects')).headers['ratelimit-limit']).toBe('50');
    });
  });

  describe('the limits cache', () => {
    const limitOf = async (tenant: TestTenantWithUsers) =>
      (await t.as(tenant.viewer).get('/v1/projects')).headers['ratelimit-limit'];
    const cache = () => t.app.get(EffectiveConfigCache);
    const listening = async () => {
      for (let i = 0; i < 1000 && !cache().isListening; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(cache().isListening).toBe(true);
    };

    it('applies a plan catalogue change at once to the tenants on that plan', async () => {
      const key = `bulk-${Date.now().toString(36)}`;
      const created = await t.as(admin).post('/v1/admin/plans')
        .send({ key, name: 'Bulk', limits: { requests_per_minute: 600, requests_burst: 40 } });
      expect(created.status).toBe(201);
      const [a, b] = await Promise.all([createTenantWithUsers(t, { plan: key }), createTenantWithUsers(t, { plan: key })]);
      expect([await limitOf(a!), await limitOf(b!)]).toEqual(['40', '40']);
      await t.as(admin).patch(`/v1/admin/plans/${created.body.id}`)
        .send({ limits: { requests_per_minute: 600, requests_burst: 45 } }).expect(200);
      expect([await limitOf(a!), await limitOf(b!)]).toEqual(['45', '45']);
    });

    it('loads a tenant’s config once, not on every request, for longer than the fallback second', async () => {
      await listening();
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 6000, requests_burst: 20 } });
      const before = cache().loads;
      for (let i = 0; i < 5; i += 1) expect(await limitOf(tenant)).toBe('20');
      await new Promise((resolve) => setTimeout(resolve, EFFECTIVE_CONFIG_CACHE_FALLBACK_MAX_AGE_MS + 100));
      for (let i = 0; i < 5; i += 1) expect(await limitOf(tenant)).toBe('20');
      expect(cache().loads - before).toBe(1);
    });

    it('drops an entry when another process publishes the change', async () => {
      await listening();
      const tenant = await createTenantWithUsers(t);
      await override(tenant, { limits: { requests_per_minute: 6000, requests_burst: 20 } });
      expect(await limitOf(tenant)).toBe('20');
      await t.owner`update tenants set config = ${t.owner.json({ limits: { requests_per_minute: 6000, requests_burst: 7 } })} where id = ${tenant.id}`;
      expect(await limitOf(tenant)).toBe('20'); // still cached: nobody said it changed
      // What another API process's TenantConfigEvents sends: only the subscriber can drop it here.
      const other: Redis = t.app.get<Redis>(REDIS).duplicate();
      try {
        await other.publish(tenantConfigChannel(t.app.get(AppConfig)), tenant.id);
      } finally {
        other.disconnect();
      }
      let limit: string | undefined;
      for (let i = 0; i < 2000 && limit !== '7'; i += 1) {
        limit = await limitOf(tenant);
        if (limit !== '7') await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(limit).toBe('7');
    });
  });

  describe('GET /v1/quotas', () => {
    it('shows every member the limits and their use', async () => {
      const tenant: TestTenantWithUsers = await createTenantWithUsers(t, { plan: 'free' });
      await createProject(t, tenant.owner);
      const response = await t.as(tenant.viewer).get('/v1/quotas');
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
