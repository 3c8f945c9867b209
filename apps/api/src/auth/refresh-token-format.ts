import { randomSecret } from '@tenantry/auth';

/**
 * A tenant refresh token is `rt_<tenant id>.<secret>`: the tenant id lets the refresh run inside
 * that tenant's transaction (RLS) without any cross-tenant lookup; the secret is what is hashed.
 */
const TENANT_REFRESH_TOKEN = /^rt_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export const newTenantRefreshToken = (tenantId: string): string => `rt_${tenantId}.${randomSecret()}`;

export function parseTenantRefreshToken(token: string): { tenantId: string } | undefined {
  const match = TENANT_REFRESH_TOKEN.exec(token);
  return match ? { tenantId: match[1]! } : undefined;
}
