import { randomBytes } from 'node:crypto';
import { hashPassword, TokenService } from '@tenantry/auth';
import type { TenantRole } from '@tenantry/db';
import type { TestApp } from './support/test-app';

/** The password of every user the factories make. */
export const TEST_PASSWORD = 'correct-horse-battery-staple';

let passwordHash: Promise<string> | undefined;
const testPasswordHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

export const randomSlug = (prefix = 't') => `${prefix}-${randomBytes(5).toString('hex')}`;

export interface TestTenant {
  id: string;
  slug: string;
}

export interface TestUser {
  id: string;
  email: string;
  role: TenantRole;
  tenantId: string;
  token: string;
  /** `Authorization` header value. */
  auth: string;
}

export async function createTenant(t: TestApp, options: { plan?: string; slug?: string; status?: string } = {}) {
  const [tenant] = await t.owner<TestTenant[]>`
    insert into tenants (slug, name, plan, status)
    values (${options.slug ?? randomSlug()}, 'Test tenant', ${options.plan ?? 'enterprise'}, ${options.status ?? 'active'})
    returning id, slug`;
  return tenant!;
}

export async function createUser(t: TestApp, tenant: TestTenant, role: TenantRole, email?: string): Promise<TestUser> {
  const address = email ?? `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const [user] = await t.owner<{ id: string }[]>`
    insert into users (tenant_id, email, password_hash, role)
    values (${tenant.id}, ${address}, ${await testPasswordHash()}, ${role})
    returning id`;
  const { accessToken } = await t.app.get(TokenService).issueTenantAccess({ id: user!.id, tenantId: tenant.id, role });
  return { id: user!.id, email: address, role, tenantId: tenant.id, token: accessToken, auth: `Bearer ${accessToken}` };
}

/** A tenant with one user of every role. */
export async function createTenantWithUsers(t: TestApp, options: { plan?: string } = {}) {
  const tenant = await createTenant(t, options);
  const [owner, admin, member, viewer] = await Promise.all(
    (['owner', 'admin', 'member', 'viewer'] as const).map((role) => createUser(t, tenant, role)),
  );
  return { ...tenant, owner: owner!, admin: admin!, member: member!, viewer: viewer! };
}
export type TestTenantWithUsers = Awaited<ReturnType<typeof createTenantWithUsers>>;

export async function createSystemAdmin(t: TestApp) {
  const email = `ops-${randomBytes(4).toString('hex')}@example.com`;
  const [admin] = await t.owner<{ id: string }[]>`
    insert into system_admins (email, password_hash) values (${email}, ${await testPasswordHash()}) returning id`;
  const { accessToken } = await t.app.get(TokenService).issueSystemAdminAccess({ id: admin!.id });
  return { id: admin!.id, email, token: accessToken, auth: `Bearer ${accessToken}` };
}

export async function createApiKey(t: TestApp, creator: TestUser, role: TenantRole = 'member') {
  const response = await t.as(creator).post('/v1/api-keys').send({ name: `${role} key`, role });
  if (response.status !== 201) throw new Error(`createApiKey: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...(response.body as { id: string; key: string; prefix: string }), auth: `Bearer ${response.body.key}` };
}

export async function login(t: TestApp, tenant: { slug: string }, user: { email: string }) {
  const response = await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: user.email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { accessToken: string; refreshToken: string };
}

export async function createProject(t: TestApp, user: TestUser, name = 'Project') {
  const response = await t.as(user).post('/v1/projects').send({ name });
  if (response.status !== 201) throw new Error(`createProject: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; name: string };
}

export async function createTask(t: TestApp, user: TestUser, projectId: string, title = 'Task') {
  const response = await t.as(user).post(`/v1/projects/${projectId}/tasks`).send({ title });
  if (response.status !== 201) throw new Error(`createTask: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; title: string; projectId: string };
}
