import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TenantRole } from '@tenantry/db';
import type { Principal, SystemAdminPrincipal, TenantPrincipal } from '@tenantry/tenancy';

export const IS_PUBLIC = 'tenantry:isPublic';
export const MIN_ROLE = 'tenantry:minRole';
export const SYSTEM_ADMIN_ROUTE = 'tenantry:systemAdminRoute';

/** No credentials needed (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role allowed; roles rank owner > admin > member > viewer. Default: any member. */
export const Roles = (minimum: TenantRole) => SetMetadata(MIN_ROLE, minimum);

/** System-admin routes: a tenant token is 403 here, as a system token is on tenant routes. */
export const SystemAdminOnly = () => SetMetadata(SYSTEM_ADMIN_ROUTE, true);

const principalOf = (ctx: ExecutionContext): Principal | undefined =>
  ctx.switchToHttp().getRequest<{ user?: Principal }>().user;

/** The tenant principal of a tenant route (the guards have already made sure it is one). */
export const CurrentTenantPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): TenantPrincipal => principalOf(ctx) as TenantPrincipal,
);

export const CurrentSystemAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): SystemAdminPrincipal => principalOf(ctx) as SystemAdminPrincipal,
);
