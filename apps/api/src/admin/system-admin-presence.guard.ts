import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { SystemTransaction } from '@tenantry/system-db';
import type { Principal } from '@tenantry/tenancy';
import { AdminRepository } from './admin.repository';

/**
 * Global, right after authentication: a system-admin token is honoured only while its admin
 * exists, as a tenant token only while its user does (the tenant transaction checks those). A
 * removed admin's still-valid token is 401 on its next request.
 */
@Injectable()
export class SystemAdminPresenceGuard implements CanActivate {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal?.kind !== 'system_admin') return true;
    if (!(await this.system.run(() => this.repository.adminExists(principal.adminId)))) throw new UnauthorizedException('This system admin no longer exists');
    return true;
  }
}
