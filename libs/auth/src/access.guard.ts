import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TenantRole } from '@tenantry/db';
import type { Principal } from '@tenantry/tenancy';
import { IS_PUBLIC, MIN_ROLE, SCIM_ROUTE, SYSTEM_ADMIN_ROUTE } from './decorators';
import { hasAtLeastRole } from './roles';

/**
 * Global, after authentication: system-admin routes take only system-admin principals, tenant
 * routes only tenant principals, and @Roles() sets the least tenant role. Handlers never check.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) return false;

    if (this.reflector.getAllAndOverride<boolean>(SYSTEM_ADMIN_ROUTE, targets)) {
      if (principal.kind !== 'system_admin') throw new ForbiddenException('This route is for system admins');
      return true;
    }
    if (principal.kind !== 'tenant') {
      throw new ForbiddenException('System admins act inside a tenant only through impersonation');
    }
    // The authentication guard admits only SCIM tokens on SCIM routes; a SCIM token stays there.
    const isScimRoute = this.reflector.getAllAndOverride<boolean>(SCIM_ROUTE, targets) === true;
    if (isScimRoute !== (principal.actorType === 'scim_token')) throw new ForbiddenException('SCIM tokens are for the SCIM routes only');
    if (isScimRoute) return true;
    const minimum = this.reflector.getAllAndOverride<TenantRole | undefined>(MIN_ROLE, targets);
    if (minimum && !hasAtLeastRole(principal.role, minimum)) {
      throw new ForbiddenException(`This action needs the ${minimum} role or higher`);
    }
    return true;
  }
}
