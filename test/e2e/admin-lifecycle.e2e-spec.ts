import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestingModule } from '@nestjs/testing';
import { UsageRecorder } from '@tenantry/metering';
import { LifecycleQueues, PURGE_QUEUE } from '@tenantry/queues';
import {
  createApiKey,
  createProject,
  createSystemAdmin,
  createTask,
  createTenantWithUsers,
  login,
  TestTenantWithUsers,
} from '../factories';
import { unappliedBatches, usageEventsQueue, waitFor } from '../support/metering';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker, waitForJob } from '../support/test-worker';

describe('admin: tenants, plans, config, lifecycle', () => {
  let t: TestApp;
  let worker: TestingModule;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;
  let queues: LifecycleQueues;

  beforeAll(async () => {
    // The worker reads the config when it boots: give it the small purge batches too.
    process.env.PURGE_BATCH_SIZE = '2';
    t = await createTestApp();
    worker = await createTestWorker();
    delete process.env.PURGE_BATCH_SIZE;
    admin = await createSystemAdmin(t);
    queues = t.app.get(LifecycleQueues);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string, auth = admin.auth) => t.as(auth)[method](path);

  describe('tenants', () => {
    it('lists with status, plan and q filters and pages with a cursor', async () => {
      const tag = `lst${Date.now().toString(36)}`;
      const a = await as('post', '/v1/admin/tenants').send({ slug: `${tag}-a`, name: `Alpha ${tag}`, plan: 'pro', admin: { email: 'a@a.test' } });
      const b = await as('post', '/v1/admin/tenants').send({ slug: `${tag}-b`, name: `Beta ${tag}`, plan: 'free', admin: { email: 'b@b.test' } });
      await as('post', `/v1/admin/tenants/${b.body.tenant.id}/suspend`);

      const byQ = await as('get', `/v1/admin/tenants?q=${tag.toUpperCase()}`);
      expect(byQ.body.data.map((x: { slug: string }) => x.slug).sort()).toEqual([`${tag}-a`, `${tag}-b`]);
      const byStatus = await as('get', `/v1/admin/tenants?q=${tag}&status=suspended`);
      expect(byStatus.body.data.map((x: { id: string }) => x.id)).toEqual([b.body.tenant.id]);
      const byPlan = await as('get', `/v1/admin/tenants?q=${tag}&plan=pro`);
      expect(byPlan.body.data.map((x: { id: string }) => x.id)).toEqual([a.body.tenant.id]);
      const page1 = await as('get', `/v1/admin/tenants?q=${tag}&limit=1`);
      const page2 = await as('get', `/v1/admin/tenants?q=${tag}&limit=1&cursor=${page1.body.nextCursor}`);
      expect([page1.body.data[0].id, page2.body.data[0].id].sort()).toEqual([a.body.tenant.id, b.body.tenant.id].sort());
      expect(page2.body.nextCursor).toBeNull();
      expect((await as('get', '/v1/admin/tenants?status=gone')).status).toBe(400);
      expect((await as('get', '/v1/admin/tenants?q=%25')).status).toBe(200);
    });

    it('shows one tenant with its effective config and usage, and patches name and plan', async () => {
      const tenant = await createTenantWithUsers(t, { plan: 'free' });
      const read = await as('get', `/v1/admin/tenants/${tenant.id}`);
      expect(read.status).toBe(200);
      expect(read.body.effectiveConfig).toMatchObject({ plan: 'free', features: [], limits: { seats: 3, projects: 3 } });
      expect(read.body.usage).toMatchObject({ apiCalls: { limit: 10000 }, metrics: expect.any(Object) });
      expect(Date.parse(read.body.usage.period.end)).toBeGreaterThan(Date.now());
      const patched = await as('patch', `/v1/admin/tenants/${tenant.id}`).send({ name: 'Renamed', plan: 'pro' });
      expect(patched.body).toMatchObject({ name: 'Renamed', plan: 'pro' });
      const profile = await t.as(tenant.viewer).get('/v1/tenant');
      expect(profile.body).toMatchObject({ name: 'Renamed', plan: 'pro', features: ['csv_export'], limits: { seats: 25 } });
      expect((await as('patch', `/v1/admin/tenants/${tenant.id}`).send({ plan: 'platinum' })).status).toBe(400);
      expect((await as('patch', `/v1/admin/tenants/${tenant.id}`).send({ status: 'active' })).status).toBe(400);
      expect((await as('get', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('plans', () => {
    it('lists the seeded plans and creates and patches a plan', async () => {
      const list = await as('get', '/v1/admin/plans');
      expect(list.body.data.map((p: { key: string }) => p.key)).toEqual(expect.arrayContaining(['free', 'pro', 'enterprise']));
      const key = `team${Date.now().toString(36)}`;
      const created = await as('post', '/v1/admin/plans').send({ key, name: 'Team', features: ['csv_export'], limits: { seats: 10, projects: 20 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ key, features: ['csv_export'], limits: { seats: 10, projects: 20 } });
      expect((await as('post', '/v1/admin/plans').send({ key, name: 'Again' })).status).toBe(409);
      const patched = await as('patch', `/v1/admin/plans/${created.body.id}`).send({ limits: { seats: 12 } });
      expect(patched.body.limits).toEqual({ seats: 12 });
      expect((await as('get', `/v1/admin/plans/${created.body.id}`)).body.name).toBe('Team');
    });

    it.each([
      [{ key: 'Bad Key', name: 'x' }, /key/],
      [{ key: 'okkey', name: 'x', limits: { seats: -1 } }, /limits.seats/],
      [{ key: 'okkey', name: 'x', limits: { widgets: 5 } }, /limits.widgets is not a known limit/],
      [{ key: 'okkey', name: 'x', features: ['Has Space'] }, /feature/],
      [{ key: 'okkey', name: 'x', features: ['csv_exports'] }, /features.csv_exports is not a known feature/],
    ])('refuses plan %j with 400', async (body, message) => {
      const response = await as('post', '/v1/admin/plans').send(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });
  });

  describe('config overrides and tenant settings', () => {
    it('deep-merges overrides, removes keys set to null and shows the tenant its effective config', async () => {
      const tenant = await createTenantWithUsers(t, { plan: 'free' });
      const first = await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send({
        features: { csv_export: true },
        limits: { seats: 7 },
        settings: { branding: { displayName: 'ACME', primaryColor: '#112233' } },
      });
      expect(first.status).toBe(200);
      await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send({ limits: { projects: 9 }, settings: { branding: { displayName: null } } });
      const read = await as('get', `/v1/admin/tenants/${tenant.id}`);
      expect(read.body.config).toEqual({ features: { csv_export: true }, limits: { seats: 7, projects: 9 }, settings: { branding: { primaryColor: '#112233' } } });
      const profile = await t.as(tenant.member).get('/v1/tenant');
      expect(profile.body.features).toEqual(['csv_export']);
      expect(profile.body.limits).toMatchObject({ seats: 7, projects: 9, api_calls_per_month: 10000 });
      expect(profile.body.settings.branding).toEqual({ displayName: null, logoUrl: null, primaryColor: '#112233' });

      await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send({ limits: null });
      expect((await as('get', `/v1/admin/tenants/${tenant.id}`)).body.config.limits).toBeUndefined();
    });

    it.each([
      [{ colours: {} }, /colours should not exist/],
      [{ limits: { seats: 'many' } }, /config.limits.seats must be a non-negative integer/],
      [{ limits: { gizmos: 1 } }, /config.limits.gizmos is not a known limit/],
      [{ features: { sso: 'yes' } }, /config.features.sso must be a boolean/],
      [{ features: { single_sign_on: true } }, /config.features.single_sign_on is not a known feature/],
      [{ settings: { branding: { primaryColor: 'blue' } } }, /primaryColor must be a colour/],
      [{ settings: { theme: 'dark' } }, /config.settings.theme is not a known setting/],
      [{ limits: [1] }, /limits must be an object/],
    ])('refuses override %j with 400 naming the key', async (body, message) => {
      const tenant = await createTenantWithUsers(t);
      const response = await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    });

    it('lets owners and admins edit the tenant-editable settings only, validated', async () => {
      const tenant = await createTenantWithUsers(t);
      const patched = await t.as(tenant.admin).patch('/v1/tenant/settings').send({
        branding: { displayName: 'Acme', logoUrl: 'https://cdn.example.com/logo.png', primaryColor: '#abcdef' },
        locale: 'de-CH',
        timezone: 'Europe/Zurich',
      });
      expect(patched.status).toBe(200);
      expect(patched.body.settings).toMatchObject({ locale: 'de-CH', timezone: 'Europe/Zurich', branding: { primaryColor: '#abcdef' } });
      const cleared = await t.as(tenant.owner).patch('/v1/tenant/settings').send({ locale: null });
      expect(cleared.body.settings.locale).toBe('en');
      expect((await t.as(tenant.member).patch('/v1/tenant/settings').send({ locale: 'fr' })).status).toBe(403);
      const bad = await t.as(tenant.owner).patch('/v1/tenant/settings').send({ timezone: 'Nowhere/City', branding: { logoUrl: 'ftp://x' } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/timezone/);
      expect(JSON.stringify(bad.body.message)).toMatch(/logoUrl/);
      expect((await t.as(tenant.owner).patch('/v1/tenant/settings').send({ plan: 'enterprise' })).status).toBe(400);
      const [row] = await t.owner`select plan from tenants where id = ${tenant.id}`;
      expect(row!.plan).toBe('enterprise');
    });
  });

  describe('suspend and resume', () => {
    it('takes effect on the very next request, for tokens and API keys alike', async () => {
      const tenant = await createTenantWithUsers(t);
      const key = await createApiKey(t, tenant.owner);
      expect((await as('post', `/v1/admin/tenants/${tenant.id}/suspend`)).body.status).toBe('suspended');
      for (const auth of [tenant.member.auth, key.auth]) {
        const response = await t.as(auth).get('/v1/projects');
        expect(response.status).toBe(403);
        expect(response.body.message).toMatch(/suspended/);
      }
      expect((await as('post', `/v1/admin/tenants/${tenant.id}/resume`)).body.status).toBe('active');
      expect((await t.as(key).get('/v1/projects')).status).toBe(200);
    });
  });

  describe('delete and purge', () => {
    async function seedRows(tenant: TestTenantWithUsers) {
      for (let i = 0; i < 3; i += 1) {
        const project = await createProject(t, tenant.owner, `p${i}`);
        await createTask(t, tenant.owner, project.id);
        await createTask(t, tenant.owner, project.id);
      }
      await createApiKey(t, tenant.owner);
      await login(t, tenant, tenant.member);
    }

    async function snapshot(tenantId: string): Promise<Record<string, { count: number; checksum: string | null }>> {
      const tables = await t.owner<{ table_name: string }[]>`
        select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by table_name`;
      const result: Record<string, { count: number; checksum: string | null }> = {};
      for (const { table_name } of tables) {
        const [row] = await t.owner.unsafe(
          `select count(*)::int as count, md5(string_agg(x::text, ',' order by x::text)) as checksum from "${table_name}" x where tenant_id = $1`,
          [tenantId],
        );
        result[table_name] = { count: row!.count, checksum: row!.checksum };
      }
      return result;
    }

    it('refuses the tenant at once, then purges every row of it and nothing of anyone else', async () => {
      const [doomed, bystander] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
      await seedRows(doomed);
      await seedRows(bystander);
      // The bystander's own requests are metered: let their usage land before the snapshot.
      await t.app.get(UsageRecorder).flush();
      const usageQueue = usageEventsQueue();
      await waitFor('usage to be rolled up', async () => (await unappliedBatches(usageQueue)) === 0).finally(() => usageQueue.close());
      const before = await snapshot(bystander.id);
      expect(before.projects!.count).toBe(3);

      const response = await as('delete', `/v1/admin/tenants/${doomed.id}`);
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ status: 'deleted', jobId: `purge-${doomed.id}` });
      expect((await t.as(doomed.owner).get('/v1/projects')).status).toBe(403);

      const job = await waitForJob(queues, response.body.jobId);
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toMatchObject({ tenantRowDeleted: true, deleted: { projects: 3, tasks: 6, users: 4 } });

      const after = await snapshot(doomed.id);
      expect(Object.values(after).every((table) => table.count === 0)).toBe(true);
      const [tenantRow] = await t.owner`select count(*)::int as count from tenants where id = ${doomed.id}`;
      expect(tenantRow!.count).toBe(0);
      expect(await snapshot(bystander.id)).toEqual(before);
      // The tenant's log went with it; the system log keeps the record of the purge.
      const [record] = await t.owner`select action, details from system_audit_logs where target_tenant_id = ${doomed.id} and action = 'tenant.purged'`;
      expect(record!.details).toMatchObject({ deleted: { projects: 3, tasks: 6, users: 4 }, tenantRowDeleted: true });
    });

    it('completes a half-done purge when retried, and refuses to purge a live tenant', async () => {
      const tenant = await createTenantWithUsers(t);
      await seedRows(tenant);
      await t.owner`update tenants set status = 'deleted' where id = ${tenant.id}`;
      // As if a first attempt died after the tasks: they are gone, the rest is still there.
      await t.owner`delete from tasks where tenant_id = ${tenant.id}`;
      const jobId = await queues.enqueuePurge(tenant.id);
      const job = await waitForJob(queues, jobId);
      expect(await job.getState()).toBe('completed');
      expect(Object.values(await snapshot(tenant.id)).every((table) => table.count === 0)).toBe(true);

      const live = await createTenantWithUsers(t);
      const refused = await waitForJob(queues, await queues.enqueuePurge(live.id));
      expect(await refused.getState()).toBe('failed');
      expect(refused.failedReason).toMatch(/refusing to purge/);
      expect((await t.as(live.owner).get('/v1/projects')).status).toBe(200);
    });

    it('fails a job without a valid tenantId loudly, visible to admins', async () => {
      await queues.purge.add('purge', { tenantId: 'not-a-uuid' }, { jobId: `purge-bad-${Date.now()}`, attempts: 1 });
      const failed = await as('get', '/v1/admin/jobs/failed');
      const deadline = Date.now() + 30000;
      let body = failed.body;
      while (!body.data.some((job: { failedReason: string }) => /no valid tenantId/.test(job.failedReason ?? '')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        body = (await as('get', '/v1/admin/jobs/failed')).body;
      }
      expect(body.data.find((job: { failedReason: string }) => /no valid tenantId/.test(job.failedReason ?? ''))).toMatchObject({ queue: PURGE_QUEUE, state: 'failed' });
    });
  });

  describe('export', () => {
    it('writes exactly the tenant’s rows as NDJSON, secrets excluded, downloadable by admins', async () => {
      const [mine, other] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
      const project = await createProject(t, mine.owner, 'Exported');
      await createTask(t, mine.owner, project.id, 'Exported task');
      await createProject(t, other.owner, 'Not mine');
      await createApiKey(t, mine.owner);

      const started = await as('post', `/v1/admin/tenants/${mine.id}/export`);
      expect(started.status).toBe(202);
      await waitForJob(queues, started.body.jobId);
      const status = await as('get', `/v1/admin/jobs/${started.body.jobId}`);
      expect(status.body).toMatchObject({ state: 'completed', progress: 100, tenantId: mine.id, download: `/v1/admin/jobs/${started.body.jobId}/download` });

      const download = await as('get', status.body.download).buffer(true).parse((res, done) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => done(null, data));
      });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toMatch(/ndjson/);
      const lines = (download.body as string).trim().split('\n').map((line) => JSON.parse(line) as { table: string; row: Record<string, unknown> });
      expect(lines[0]).toMatchObject({ table: 'tenants', row: { id: mine.id } });
      for (const line of lines.slice(1)) expect(line.row.tenant_id).toBe(mine.id);
      const byTable = (table: string) => lines.filter((line) => line.table === table);
      expect(byTable('projects').map((line) => line.row.name)).toEqual(['Exported']);
      expect(byTable('tasks').map((line) => line.row.title)).toEqual(['Exported task']);
      expect(byTable('users')).toHaveLength(4);
      expect(byTable('api_keys')).toHaveLength(1);
      const text = download.body as string;
      expect(text).not.toMatch(/argon2|password_hash|key_hash|token_hash/);
      expect(text).not.toContain(other.id);
    });

    it('lets a tenant owner export its own data and no one else’s', async () => {
      const [mine, other] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
      expect((await t.as(mine.admin).post('/v1/tenant/export')).status).toBe(403);
      const started = await t.as(mine.owner).post('/v1/tenant/export');
      expect(started.status).toBe(202);
      await waitForJob(queues, started.body.jobId);
      const own = await t.as(mine.owner).get(`/v1/tenant/exports/${started.body.jobId}`);
      expect(own.body).toMatchObject({ state: 'completed', download: `/v1/tenant/exports/${started.body.jobId}/download` });
      const file = readFileSync(resolve('.data', 'exports', mine.id, `${started.body.jobId}.ndjson`), 'utf8');
      expect(file).toContain(mine.id);
      expect((await t.as(other.owner).get(`/v1/tenant/exports/${started.body.jobId}`)).status).toBe(404);
      expect((await t.as(other.owner).get(`/v1/tenant/exports/${started.body.jobId}/download`)).status).toBe(404);
      expect((await t.as(mine.owner).get(`/v1/tenant/exports/purge-${mine.id}`)).status).toBe(404);
    });
  });

  describe('impersonation', () => {
    it('issues a short-lived tenant token naming the admin, usable but never refreshable', async () => {
      const tenant = await createTenantWithUsers(t);
      const response = await as('post', `/v1/admin/tenants/${tenant.id}/impersonate`).send({ userId: tenant.member.id, reason: 'ticket 42' });
      expect(response.status).toBe(200);
      expect(response.body.refreshToken).toBeUndefined();
      expect(response.body.expiresIn).toBeLessThanOrEqual(900);
      const claims = JSON.parse(Buffer.from(response.body.accessToken.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: tenant.member.id, tid: tenant.id, role: 'member', act: { sub: admin.id } });
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);

      const me = await t.as(`Bearer ${response.body.accessToken}`).get('/v1/me');
      expect(me.body).toMatchObject({ user: { id: tenant.member.id }, impersonatedBy: { id: admin.id } });
      const owner = await as('post', `/v1/admin/tenants/${tenant.id}/impersonate`).send({ reason: 'defaults to an owner' });
      expect(owner.body.user.role).toBe('owner');
    });

    it('looks and acts as the user but never mints lasting credentials; each refusal is audited with both identities', async () => {
      const tenant = await createTenantWithUsers(t);
      const issued = await as('post', `/v1/admin/tenants/${tenant.id}/impersonate`).send({ reason: 'support case 7' });
      expect(issued.body.user.role).toBe('owner');
      const impersonating = (method: 'post' | 'patch', path: string) => t.as(`Bearer ${issued.body.accessToken}`)[method](path);
      const refusals: [string, string, object][] = [
        ['post', '/v1/api-keys', { name: 'forever', role: 'owner' }],
        ['post', '/v1/api-keys', { name: 'viewer key', role: 'viewer' }],
        ['post', '/v1/users', { email: 'new-owner@x.test', role: 'owner', password: 'chosen by the admin' }],
        ['post', '/v1/users', { email: 'new-owner2@x.test', role: 'owner' }],
        ['post', '/v1/users', { email: 'pw-member@x.test', role: 'member', password: 'chosen by the admin' }],
        ['patch', `/v1/users/${tenant.member.id}`, { role: 'owner' }],
      ];
      for (const [method, path, body] of refusals) {
        const response = await impersonating(method as 'post', path).send(body);
        expect({ path, body, status: response.status, message: response.body.message }).toEqual({
          path,
          body,
          status: 403,
          message: expect.stringMatching(/impersonat/),
        });
      }
      expect(await t.owner`select 1 from api_keys where tenant_id = ${tenant.id}`).toEqual([]);
      expect(await t.owner`select 1 from users where tenant_id = ${tenant.id} and email like '%@x.test'`).toEqual([]);
      const [member] = await t.owner`select role from users where id = ${tenant.member.id}`;
      expect(member!.role).toBe('member');
      const refused = await t.owner`
        select actor_type, actor_id, impersonator_id, action from audit_logs where tenant_id = ${tenant.id} and action = 'impersonation.refused'`;
      expect(refused).toHaveLength(refusals.length);
      for (const row of refused) expect(row).toMatchObject({ actor_type: 'user', actor_id: tenant.owner.id, impersonator_id: admin.id });

      // Looking and ordinary acting still work, and carry the impersonator.
      expect((await t.as(`Bearer ${issued.body.accessToken}`).get('/v1/users')).status).toBe(200);
      const invited = await impersonating('post', '/v1/users').send({ email: 'invited@y.test', role: 'viewer' });
      expect(invited.status).toBe(201);
      const [created] = await t.owner`select impersonator_id from audit_logs where tenant_id = ${tenant.id} and action = 'user.created'`;
      expect(created!.impersonator_id).toBe(admin.id);
    });

    it('validates the request', async () => {
      const tenant = await createTenantWithUsers(t);
      expect((await as('post', `/v1/admin/tenants/${tenant.id}/impersonate`).send({ userId: tenant.member.id })).status).toBe(400);
      const stranger = await createTenantWithUsers(t);
      expect((await as('post', `/v1/admin/tenants/${tenant.id}/impersonate`).send({ userId: stranger.member.id, reason: 'x y z' })).status).toBe(404);
    });
  });

  describe('refusals an attacker found', () => {
    it('provisions with "config": null as with no config, never a 500', async () => {
      const slug = `nullcfg-${Date.now().toString(36)}`;
      const response = await as('post', '/v1/admin/tenants').send({ slug, name: 'Null config', admin: { email: 'n@n.test' }, config: null });
      expect(response.status).toBe(201);
      expect(response.body.tenant.config).toEqual({});
      for (const config of [[], 'x', 7]) {
        const refused = await as('post', '/v1/admin/tenants').send({ slug: `${slug}-x`, name: 'x', admin: { email: 'n@n.test' }, config });
        expect({ config, status: refused.status }).toEqual({ config, status: 400 });
      }
    });

    it('answers 404 on every admin route with the id of an unknown or purged tenant', async () => {
      const doomed = await createTenantWithUsers(t);
      const deletion = await as('delete', `/v1/admin/tenants/${doomed.id}`);
      await waitForJob(queues, deletion.body.jobId);
      for (const id of ['00000000-0000-4000-8000-000000000000', doomed.id]) {
        for (const [method, path, body] of [
          ['get', `/v1/admin/tenants/${id}`, undefined],
          ['get', `/v1/admin/tenants/${id}/audit-logs`, undefined],
          ['patch', `/v1/admin/tenants/${id}`, { name: 'x' }],
          ['patch', `/v1/admin/tenants/${id}/config`, { limits: { seats: 3 } }],
          ['post', `/v1/admin/tenants/${id}/suspend`, undefined],
          ['post', `/v1/admin/tenants/${id}/resume`, undefined],
          ['delete', `/v1/admin/tenants/${id}`, undefined],
          ['post', `/v1/admin/tenants/${id}/export`, undefined],
          ['post', `/v1/admin/tenants/${id}/impersonate`, { reason: 'look' }],
        ] as const) {
          const call = as(method, path);
          const response = await (body ? call.send(body) : call);
          expect({ path, method, status: response.status, error: response.body.error }).toEqual({ path, method, status: 404, error: 'Not Found' });
        }
      }
    });

    it('stops serving an export the moment its tenant is deleted, and the purge removes the file', async () => {
      const tenant = await createTenantWithUsers(t);
      const started = await as('post', `/v1/admin/tenants/${tenant.id}/export`);
      await waitForJob(queues, started.body.jobId);
      const file = resolve('.data', 'exports', tenant.id, `${started.body.jobId}.ndjson`);
      expect(readFileSync(file, 'utf8')).toContain(tenant.owner.email);
      expect((await as('get', `/v1/admin/jobs/${started.body.jobId}/download`)).status).toBe(200);

      const deletion = await as('delete', `/v1/admin/tenants/${tenant.id}`);
      const afterDelete = await as('get', `/v1/admin/jobs/${started.body.jobId}/download`);
      expect({ status: afterDelete.status, text: afterDelete.text }).toEqual({ status: 404, text: expect.not.stringContaining(tenant.owner.email) });
      await waitForJob(queues, deletion.body.jobId);
      expect(() => readFileSync(file)).toThrow(/ENOENT/);
      expect((await as('get', `/v1/admin/jobs/${started.body.jobId}/download`)).status).toBe(404);
    });

    it('refuses a cursor it did not issue on the failed-jobs list', async () => {
      expect((await as('get', '/v1/admin/jobs/failed')).status).toBe(200);
      const response = await as('get', '/v1/admin/jobs/failed?cursor=not-a-cursor');
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: ['property cursor should not exist'] });
    });

    it('refuses an unknown feature name in a config override, as it does an unknown limit', async () => {
      const tenant = await createTenantWithUsers(t);
      const response = await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send({ features: { does_not_exist: true } });
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual([expect.stringMatching(/config.features.does_not_exist is not a known feature/)]);
      const [row] = await t.owner`select config from tenants where id = ${tenant.id}`;
      expect(row!.config).toEqual({});
      expect((await as('patch', `/v1/admin/tenants/${tenant.id}/config`).send({ features: { sso: true } })).status).toBe(200);
    });

    it('refuses a correctly signed system-admin token whose admin no longer exists', async () => {
      const gone = await createSystemAdmin(t);
      expect((await as('get', '/v1/admin/tenants', gone.auth)).status).toBe(200);
      await t.owner`delete from system_admins where id = ${gone.id}`;
      const response = await as('get', '/v1/admin/tenants', gone.auth);
      expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'Unauthorized' });
    });
  });

  it('answers a tenant token on every admin route with 403', async () => {
    const tenant = await createTenantWithUsers(t);
    const id = tenant.id;
    const routes: [string, string][] = [
      ['post', '/v1/admin/tenants'],
      ['get', '/v1/admin/tenants'],
      ['get', `/v1/admin/tenants/${id}`],
      ['patch', `/v1/admin/tenants/${id}`],
      ['patch', `/v1/admin/tenants/${id}/config`],
      ['post', `/v1/admin/tenants/${id}/suspend`],
      ['post', `/v1/admin/tenants/${id}/resume`],
      ['delete', `/v1/admin/tenants/${id}`],
      ['post', `/v1/admin/tenants/${id}/export`],
      ['post', `/v1/admin/tenants/${id}/impersonate`],
      ['get', '/v1/admin/plans'],
      ['post', '/v1/admin/plans'],
      ['get', '/v1/admin/plans/00000000-0000-4000-8000-000000000000'],
      ['patch', '/v1/admin/plans/00000000-0000-4000-8000-000000000000'],
      ['get', '/v1/admin/jobs/failed'],
      ['get', `/v1/admin/jobs/purge-${id}`],
      ['get', `/v1/admin/jobs/purge-${id}/download`],
    ];
    for (const [method, path] of routes) {
      const response = await as(method as 'get', path, tenant.owner.auth).send({});
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
    }
    const [row] = await t.owner`select status from tenants where id = ${id}`;
    expect(row!.status).toBe('active');
  });
});
