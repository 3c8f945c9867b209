import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TenantRole } from '@tenantry/db';
import type { Principal, SystemAdminPrincipal, TenantPrincipal } from '@tenantry/tenancy';

export const IS_PUBLIC = 'tenantry:isPublic';
export const MIN_ROLE = 'tenantry:minRole';
export const SYSTEM_ADMIN_ROUTE = 'tenantry:systemAdminRoute';
export const IMPERSONATION_REFUSED = 'tenantry:impersonationRefused';
export const SCIM_ROUTE = 'tenantry:scimRoute';

export interface ImpersonationRefusal {
  /** Why, said to the caller: what would outlive the impersonation. */
  reason: string;
  /** When only some requests mint a credential (e.g. `role: "owner"`): decided on the JSON body. */
  when?: (body: Record<string, unknown>) => boolean;
}

/** No credentials needed (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role allowed; roles rank owner > admin > member > viewer. Default: any member. */
export const Roles = (minimum: TenantRole) => SetMetadata(MIN_ROLE, minimum);

/**
 * SCIM 2.0 routes: only a tenant's SCIM bearer token (`scim_...`) is accepted here, and a SCIM
 * token nowhere else. The request runs in the token's tenant transaction like any tenant request.
 */
export const ScimRoute = () => SetMetadata(SCIM_ROUTE, true);

/** System-admin routes: a tenant token is 403 here, as a system token is on tenant routes. */
export const SystemAdminOnly = () => SetMetadata(SYSTEM_ADMIN_ROUTE, true);

/**
 * An impersonation token is for looking and acting as the user, never for minting what outlives
 * it (an API key, an owner, a password or another credential): such a request is 403 and audited
 * with both identities. Every route that creates or changes a credential carries this.
 */
export const RefuseImpersonation = (reason: string, when?: ImpersonationRefusal['when']) =>
  SetMetadata<string, ImpersonationRefusal>(IMPERSONATION_REFUSED, { reason, ...(when ? { when } : {}) });

const principalOf = (ctx: ExecutionContext): Principal | undefined =>
  ctx.switchToHttp().getRequest<{ user?: Principal }>().user;

/** The tenant principal of a tenant route (the guards have already made sure it is one). */
export const CurrentTenantPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): TenantPrincipal => principalOf(ctx) as TenantPrincipal,
);

export const CurrentSystemAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): SystemAdminPrincipal => principalOf(ctx) as SystemAdminPrincipal,
);
