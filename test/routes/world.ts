import { randomBytes } from 'node:crypto';
import type { TenantRole } from '@tenantry/db';
import { createApiKey, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import type { TestApp } from '../support/test-app';

export const ROLES: TenantRole[] = ['owner', 'admin', 'member', 'viewer'];
export const rankOf = (role: TenantRole) => ROLES.indexOf(role);

/** A tenant with a user and an API key of every role, and rate limits out of the way. */
export interface WorldTenant extends TestTenantWithUsers {
  keys: Record<TenantRole, { id: string; prefix: string; auth: string }>;
}

/** Who the generated suites act as: two tenants, a system admin, and an admin impersonating A's owner. */
export interface World {
  t: TestApp;
  a: WorldTenant;
  b: WorldTenant;
  admin: Awaited<ReturnType<typeof createSystemAdmin>>;
  /** `Authorization` of an impersonation token for tenant A's owner. */
  impersonation: string;
  /** `Authorization` of a SCIM token of tenant A (for the /scim/v2 routes). */
  scim: string;
}

async function worldTenant(t: TestApp): Promise<WorldTenant> {
  const tenant = await createTenantWithUsers(t, { plan: 'enterprise' });
  // Thousands of generated requests must meet the rule under test, not the tenant's rate limit.
  await t.owner`update tenants set config = ${t.owner.json({ limits: { requests_burst: 1_000_000, requests_per_minute: 10_000_000 } })} where id = ${tenant.id}`;
  const keys = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, await createApiKey(t, tenant.owner, role)] as const)),
  ) as unknown as WorldTenant['keys'];
  return { ...tenant, keys };
}

export async function createWorld(t: TestApp): Promise<World> {
  const [a, b, admin] = await Promise.all([worldTenant(t), worldTenant(t), createSystemAdmin(t)]);
  const issued = await t.as(admin).post(`/v1/admin/tenants/${a.id}/impersonate`).send({ reason: 'generated access tests' });
  if (issued.status !== 200) throw new Error(`impersonate: ${issued.status} ${JSON.stringify(issued.body)}`);
  const scim = await t.http().post('/v1/tenant/scim/tokens').set('authorization', a.owner.auth).send({ name: 'generated suites' });
  if (scim.status !== 201) throw new Error(`scim token: ${scim.status} ${JSON.stringify(scim.body)}`);
  return { t, a, b, admin, impersonation: `Bearer ${issued.body.accessToken}`, scim: `Bearer ${scim.body.token}` };
}

/** Strings that identify a tenant's data: no answer to another tenant may contain any of them. */
export function markersOf(tenant: WorldTenant): string[] {
  return [
    tenant.id,
    tenant.slug,
    ...ROLES.flatMap((role) => [tenant[role].id, tenant[role].email, tenant.keys[role].id, tenant.keys[role].prefix]),
  ];
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** An id no row has: for routes whose answer the guards decide before any lookup. */
export const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
