import type { TenantRole } from '@tenantry/db';

/** Who acts inside a tenant: one of its users (a JWT) or one of its API keys (`actorType` says which). */
export interface TenantPrincipal {
  kind: 'tenant';
  tenantId: string;
  /** The user id, or the id of the API key for key-authenticated requests. */
  subjectId: string;
  actorType: 'user' | 'api_key';
  role: TenantRole;
  /** The system admin impersonating this user, from the token's `act` claim. */
  impersonatorId?: string;
}

/** The operator's staff: outside every tenant. */
export interface SystemAdminPrincipal {
  kind: 'system_admin';
  adminId: string;
}

export type Principal = TenantPrincipal | SystemAdminPrincipal;
