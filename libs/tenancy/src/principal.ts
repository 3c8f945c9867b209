import type { TenantRole } from '@tenantry/db';

/** Who acts inside a tenant: one of its users (a JWT) or one of its API keys (`actorType` says which). */
export interface TenantPrincipal {
  kind: 'tenant';
  tenantId: string;
  /** The user id, or the id of the API key (or SCIM token) for token-authenticated requests. */
  subjectId: string;
  /** `scim_token`: the tenant's directory, on the SCIM routes only, with an admin's reach. */
  actorType: 'user' | 'api_key' | 'scim_token';
  role: TenantRole;
  /** The system admin impersonating this user, from the token's `act` claim. */
  impersonatorId?: string;
  /** The session (refresh-token family) of a user's access token, from its `sid` claim. */
  sessionId?: string;
}

/** The operator's staff: outside every tenant. */
export interface SystemAdminPrincipal {
  kind: 'system_admin';
  adminId: string;
  /** The admin's session (refresh-token family), from the token's `sid` claim. */
  sessionId?: string;
}

export type Principal = TenantPrincipal | SystemAdminPrincipal;
