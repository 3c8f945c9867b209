import { TENANT_ROLES, TenantRole } from '@tenantry/db';

/** 0 is the highest rank (owner). */
export const roleRank = (role: TenantRole): number => TENANT_ROLES.indexOf(role);

/** Whether `role` carries every permission of `minimum`. */
export const hasAtLeastRole = (role: TenantRole, minimum: TenantRole): boolean => roleRank(role) <= roleRank(minimum);
