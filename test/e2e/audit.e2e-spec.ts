import { randomBytes } from 'node:crypto';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import postgres from 'postgres';
import { AUDIT_ACTION, AUDITED_IN_SERVICE, AuditWriter, NO_AUDIT } from '@tenantry/audit';
import { SYSTEM_ADMIN_ROUTE } from '@tenantry/auth';
import { projects } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { TestingModule } from '@nestjs/testing';
import {
  createApiKey,
  createProject,
  createSystemAdmin,
  createTask,
  createTenantWithUsers,
  createUser,
  login,
  TestTenantWithUsers,
} from '../factories';
import { productSourceFiles, readSource } from '../support/source-files';
import { useTestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';
import { AuditRetention } from '../../apps/worker/src/lifecycle/audit-retention';

describe('audit log', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  const rowsOf = (requestId: string) => t.owner`select * from audit_logs where request_id = ${requestId}`;

  it('marks every mutating route with @Audit, @AuditedInService or an explicit @NoAudit reason, and @Audit only where the interceptor writes it; @AuditedInService names actions its services write', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const missing: string[] = [];
    const untruthful: string[] = [];
    const inService: { route: string; actions: string[] }[] = [];
    let mutating = 0;
    for (const wrapper of discovery.getControllers()) {
      const instance = wrapper.instance as object;
      const prototype = Object.getPrototypeOf(instance);
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || ![RequestMethod.POST, RequestMethod.PATCH, RequestMethod.PUT, RequestMethod.DELETE].includes(method)) continue;
        mutating += 1;
        const route = `${RequestMethod[method]} ${Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object)}/${Reflect.getMetadata(PATH_METADATA, handler)}`;
        if (!reflector.get(AUDIT_ACTION, handler) && !reflector.get(AUDITED_IN_SERVICE, handler) && !reflector.get(NO_AUDIT, handler)) {
          missing.push(route);
        }
        const actions = reflector.get<string[] | undefined>(AUDITED_IN_SERVICE, handler);
        if (actions) inService.push({ route, actions });
        // The interceptor writes nothing for system admins: @Audit there would be decoration.
        if (reflector.get(AUDIT_ACTION, handler) && reflector.getAllAndOverride(SYSTEM_ADMIN_ROUTE, [handler, wrapper.metatype as object])) {
          untruthful.push(route);
        }
      }
    }
    expect(mutating).toBeGreaterThan(20);
    expect(missing).toEqual([]);
    expect(untruthful).toEqual([]);
    // @AuditedInService names what the service writes: each action must stand in a service of the API.
    const services = productSourceFiles()
      .filter((file) => file.startsWith('apps/api/src/') && !file.endsWith('.controller.ts'))
      .map(readSource)
      .join('\n');
    expect(inService.length).toBeGreaterThan(10);
    const unwritten = inService.flatMap(({ route, actions }) => actions.filter((action) => !services.includes(`'${action}'`)).map((action) => `${route}: ${action}`));
    expect(unwritten).toEqual([]);
  });

  const unique = () => randomBytes(4).toString('hex');
  type Case = [string, string, () => Promise<string>, (() => object) | undefined, string, string];
  const cases = (): Case[] => {
    let project: { id: string };
    const projectId = async () => (project ??= await createProject(t, acme.owner)).id;
    return [
      ['post', 'project.created', async () => '/v1/projects', () => ({ name: 'audited' }), 'project', 'response'],
      ['patch', 'project.updated', async () => `/v1/projects/${await projectId()}`, () => ({ name: 'renamed' }), 'project', 'param'],
      ['delete', 'project.deleted', async () => `/v1/projects/${(await createProject(t, acme.owner)).id}`, undefined, 'project', 'param'],
      ['post', 'task.created', async () => `/v1/projects/${await projectId()}/tasks`, () => ({ title: 'x' }), 'task', 'response'],
      ['patch', 'task.updated', async () => `/v1/projects/${await projectId()}/tasks/${(await createTask(t, acme.owner, await projectId())).id}`, () => ({ status: 'done' }), 'task', 'param'],
      ['delete', 'task.deleted', async () => `/v1/projects/${await projectId()}/tasks/${(await createTask(t, acme.owner, await projectId())).id}`, undefined, 'task', 'param'],
      ['post', 'user.created', async () => '/v1/users', () => ({ email: `a-${unique()}@example.com`, role: 'viewer', password: 'a-secret-password' }), 'user', 'response'],
      ['patch', 'user.role_changed', async () => `/v1/users/${(await createUser(t, acme, 'member')).id}`, () => ({ role: 'viewer' }), 'user', 'param'],
      ['delete', 'user.removed', async () => `/v1/users/${(await createUser(t, acme, 'member')).id}`, undefined, 'user', 'param'],
      ['post', 'api_key.created', async () => '/v1/api-keys', () => ({ name: 'k', role: 'viewer' }), 'api_key', 'response'],
      ['delete', 'api_key.revoked', async () => `/v1/api-keys/${(await createApiKey(t, acme.owner)).id}`, undefined, 'api_key', 'param'],
      ['patch', 'tenant.settings_updated', async () => '/v1/tenant/settings', () => ({ locale: 'fr' }), 'tenant', 'tenant'],
      ['post', 'tenant.export_requested', async () => '/v1/tenant/export', undefined, 'tenant', 'none'],
    ];
  };

  it('writes exactly one row per mutating tenant request, with actor, action, resource and request context', async () => {
    for (const [method, action, path, body, resourceType, idFrom] of cases()) {
      const url = await path();
      const call = t.as(acme.owner)[method as 'post'](url).set('user-agent', 'audit-test/1.0');
      const response = await (body ? call.send(body()) : call);
      expect({ action, status: response.status }).toEqual({ action, status: expect.any(Number) });
      expect(response.status).toBeLessThan(300);
      const requestId = response.headers['x-request-id'];
      const rows = await rowsOf(requestId);
      expect({ action, rows: rows.length }).toEqual({ action, rows: 1 });
      const expectedId = idFrom === 'response' ? response.body.id : idFrom === 'param' ? url.split('/').pop() : acme.id;
      expect(rows[0]).toMatchObject({
        tenant_id: acme.id,
        actor_type: 'user',
        actor_id: acme.owner.id,
        impersonator_id: null,
        action,
        resource_type: resourceType,
        resource_id: expectedId,
        user_agent: 'audit-test/1.0',
        ip: expect.stringMatching(/127\.0\.0\.1/),
      });
      expect(JSON.stringify(rows[0]!.changes ?? {})).not.toMatch(/argon2|a-secret-password|sk_[A-Za-z0-9_-]{20}|key_hash|password/);
    }
  });

  it('records before and after of the fields a PATCH changed', async () => {
    const project = await createProject(t, acme.owner, 'Before');
    const response = await t.as(acme.member).patch(`/v1/projects/${project.id}`).send({ name: 'After' });
    const [row] = await rowsOf(response.headers['x-request-id']);
    expect(row!.changes).toEqual({ before: { name: 'Before' }, after: { name: 'After' } });
    expect(row!.actor_id).toBe(acme.member.id);
  });

  it('records nothing for a request that fails, and nothing changes', async () => {
    const before = await t.owner`select count(*)::int as count from audit_logs where tenant_id = ${acme.id}`;
    const response = await t.as(acme.owner).post('/v1/projects').send({ name: '' });
    expect(response.status).toBe(400);
    expect((await t.as(acme.owner).delete('/v1/projects/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const after = await t.owner`select count(*)::int as count from audit_logs where tenant_id = ${acme.id}`;
    expect(after[0]!.count).toBe(before[0]!.count);
  });

  it('commits a change and its record together or neither', async () => {
    const tenantTransaction = t.app.get(TenantTransaction);
    const writer = t.app.get(AuditWriter);
    const name = `doomed-${unique()}`;
    // A failure after both writes rolls both back.
    await expect(
      tenantTransaction.run({ tenantId: acme.id }, async (tx) => {
        await tx.insert(projects).values({ tenantId: acme.id, name });
        await writer.write({ action: 'project.created', resourceType: 'project', resourceId: name });
        throw new Error('forced failure after the writes');
      }),
    ).rejects.toThrow('forced failure');
    // A failing audit write takes the change down with it.
    await expect(
      tenantTransaction.run({ tenantId: acme.id }, async (tx) => {
        await tx.insert(projects).values({ tenantId: acme.id, name });
        await writer.write({ action: 'project.created', resourceType: 'project', resourceId: name, actor: { type: 'robot' as 'user', id: null } });
      }),
    ).rejects.toThrow();
    expect((await t.owner`select count(*)::int as count from projects where name = ${name}`)[0]!.count).toBe(0);
    expect((await t.owner`select count(*)::int as count from audit_logs where resource_id = ${name}`)[0]!.count).toBe(0);
  });

  it('is append-only for the app role: UPDATE, DELETE and TRUNCATE are refused by PostgreSQL', async () => {
    const app = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    try {
      for (const statement of [
        `update audit_logs set action = 'rewritten'`,
        `delete from audit_logs`,
        `truncate audit_logs`,
      ]) {
        const error = await app
          .begin(async (tx) => {
            await tx`select set_config('app.current_tenant_id', ${acme.id}, true)`;
            await tx.unsafe(statement);
          })
          .catch((e: { code?: string }) => e);
        expect({ statement, code: (error as { code?: string })?.code }).toEqual({ statement, code: '42501' });
      }
    } finally {
      await app.end();
    }
  });

  it('lists newest first with filters, to the tenant’s admins only, never another tenant’s rows', async () => {
    const tenant = await createTenantWithUsers(t);
    const first = await createProject(t, tenant.owner, 'one');
    await createProject(t, tenant.member, 'two');
    await t.as(tenant.owner).patch(`/v1/projects/${first.id}`).send({ name: 'uno' });
    const other = await createTenantWithUsers(t);
    await createProject(t, other.owner, 'secret');

    const all = await t.as(tenant.admin).get('/v1/audit-logs');
    expect(all.status).toBe(200);
    expect(all.body.data.map((row: { action: string }) => row.action)).toEqual(['project.updated', 'project.created', 'project.created']);
    const byActor = await t.as(tenant.admin).get(`/v1/audit-logs?actorId=${tenant.member.id}`);
    expect(byActor.body.data).toHaveLength(1);
    const byResource = await t.as(tenant.admin).get(`/v1/audit-logs?resourceType=project&resourceId=${first.id}`);
    expect(byResource.body.data.map((row: { action: string }) => row.action)).toEqual(['project.updated', 'project.created']);
    const byAction = await t.as(tenant.admin).get('/v1/audit-logs?action=project.updated&limit=1');
    expect(byAction.body).toMatchObject({ data: [{ resourceId: first.id }], nextCursor: null });
    const future = await t.as(tenant.admin).get(`/v1/audit-logs?from=${new Date(Date.now() + 60000).toISOString()}`);
    expect(future.body.data).toEqual([]);
    const page = await t.as(tenant.admin).get('/v1/audit-logs?limit=2');
    const rest = await t.as(tenant.admin).get(`/v1/audit-logs?limit=2&cursor=${page.body.nextCursor}`);
    expect(rest.body.data).toHaveLength(1);

    expect(JSON.stringify(all.body)).not.toContain('secret');
    expect((await t.as(tenant.member).get('/v1/audit-logs')).status).toBe(403);
    expect((await t.as(tenant.admin).get('/v1/audit-logs?from=yesterday')).status).toBe(400);
    expect((await t.as(tenant.admin).get('/v1/audit-logs?actorId=nope')).status).toBe(400);
  });

  it('records admin actions in the tenant’s own log as the system admin, visible to its admins and to system admins', async () => {
    const tenant = await createTenantWithUsers(t);
    const admin = await createSystemAdmin(t);
    await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/suspend`).expect(200);
    await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/resume`).expect(200);
    await t.as(admin).patch(`/v1/admin/tenants/${tenant.id}`).send({ plan: 'pro' }).expect(200);
    await t.as(admin).patch(`/v1/admin/tenants/${tenant.id}/config`).send({ limits: { seats: 9 } }).expect(200);
    await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/impersonate`).send({ reason: 'support case' }).expect(200);

    const seen = await t.as(tenant.admin).get('/v1/audit-logs');
    expect(seen.body.data.map((row: { action: string }) => row.action)).toEqual([
      'tenant.impersonated',
      'tenant.config_changed',
      'tenant.plan_changed',
      'tenant.resumed',
      'tenant.suspended',
    ]);
    for (const row of seen.body.data) expect(row).toMatchObject({ actorType: 'system_admin', actorId: admin.id });
    expect(seen.body.data[2].changes).toEqual({ before: { plan: 'enterprise' }, after: { plan: 'pro' } });

    const viaAdmin = await t.as(admin).get(`/v1/admin/tenants/${tenant.id}/audit-logs?action=tenant.suspended`);
    expect(viaAdmin.body.data).toHaveLength(1);
    expect((await t.as(tenant.owner).get(`/v1/admin/tenants/${tenant.id}/audit-logs`)).status).toBe(403);
  });

  it('records both identities for a request made with an impersonation token', async () => {
    const tenant = await createTenantWithUsers(t);
    const admin = await createSystemAdmin(t);
    const token = await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/impersonate`).send({ userId: tenant.member.id, reason: 'debugging' });
    const response = await t.as(`Bearer ${token.body.accessToken}`).post('/v1/projects').send({ name: 'made while impersonating' });
    const [row] = await rowsOf(response.headers['x-request-id']);
    expect(row).toMatchObject({ actor_type: 'user', actor_id: tenant.member.id, impersonator_id: admin.id, action: 'project.created' });
  });

  it('records failed logins and refresh-token reuse as security events', async () => {
    const tenant = await createTenantWithUsers(t);
    await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.member.email, password: 'not-the-password' }).expect(401);
    const session = await login(t, tenant, tenant.member);
    await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
    await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    const rows = await t.owner`select action, actor_type, resource_id, changes from audit_logs where tenant_id = ${tenant.id} and action like 'auth.%' order by at`;
    expect(rows.map((row) => row.action)).toEqual(['auth.login_failed', 'auth.refresh_token_reused']);
    expect(rows[0]).toMatchObject({ actor_type: 'system', resource_id: tenant.member.id, changes: { email: tenant.member.email } });
    expect(JSON.stringify(rows)).not.toMatch(/not-the-password|rt_/);
  });
});

describe('audit retention', () => {
  const t = useTestApp();
  let worker: TestingModule;

  beforeAll(async () => {
    worker = await createTestWorker();
  });
  afterAll(async () => {
    await worker.close();
  });

  it('deletes rows older than each tenant’s audit_retention_days, and only those', async () => {
    const free = await createTenantWithUsers(t, { plan: 'free' }); // 7 days
    const pro = await createTenantWithUsers(t, { plan: 'pro' }); // 90 days
    const overridden = await createTenantWithUsers(t, { plan: 'free' });
    await t.owner`update tenants set config = '{"limits": {"audit_retention_days": 30}}' where id = ${overridden.id}`;
    for (const tenant of [free, pro, overridden]) {
      for (const days of [1, 10, 40, 100]) {
        await t.owner`insert into audit_logs (tenant_id, at, actor_type, action, resource_type)
          values (${tenant.id}, now() - make_interval(days => ${days}), 'system', ${`test.aged_${days}`}, 'test')`;
      }
    }
    await worker.get(AuditRetention).sweep();
    const left = async (tenantId: string) =>
      (await t.owner`select action from audit_logs where tenant_id = ${tenantId} and resource_type = 'test' order by at desc`).map((row) => row.action);
    expect(await left(free.id)).toEqual(['test.aged_1']);
    expect(await left(pro.id)).toEqual(['test.aged_1', 'test.aged_10', 'test.aged_40']);
    expect(await left(overridden.id)).toEqual(['test.aged_1', 'test.aged_10']);
  });
});
