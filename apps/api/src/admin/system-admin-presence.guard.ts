import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '@tenantry/config';
import { SystemTransaction } from '@tenantry/system-db';
import type { Principal } from '@tenantry/tenancy';
import { ADMIN_MFA_ENROLMENT_REQUIRED, ALLOWED_WITHOUT_MFA } from '../auth/mfa/mfa-requirement';
import { AdminSessionsRepository } from './admin-sessions.repository';

/**
 * Global, right after authentication: a system-admin token is honoured only while its admin
 * exists and its session is not signed out, as a tenant token only while its user and session
 * are (the tenant transaction checks those): a removed admin's or a revoked session's still-valid
 * token is 401 on its next request. With SYSTEM_ADMIN_REQUIRE_MFA, an admin without an enabled
 * factor gets 403 on every route but its own account (@AllowedWithoutMfa). One statement reads all.
 */
@Injectable()
export class SystemAdminPresenceGuard implements CanActivate {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminSessionsRepository,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  // Synchronous when there is nothing to check: Nest awaits only the guards that return a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal?.kind !== 'system_admin') return true;
    return this.checkPresence(context, principal);
  }

  private async checkPresence(context: ExecutionContext, principal: Extract<Principal, { kind: 'system_admin' }>): Promise<boolean> {
    const presence = await this.system.run(() => this.repository.presence(principal.adminId, principal.sessionId));
    if (!presence) throw new UnauthorizedException('This system admin no longer exists');
    if (!presence.isSessionLive) throw new UnauthorizedException('This session has been signed out; sign in again');
    if (
      this.config.get('SYSTEM_ADMIN_REQUIRE_MFA') &&
      !presence.isMfaEnabled &&
      !this.reflector.getAllAndOverride<boolean>(ALLOWED_WITHOUT_MFA, [context.getHandler(), context.getClass()])
    ) {
      throw new ForbiddenException(ADMIN_MFA_ENROLMENT_REQUIRED);
    }
    return true;
  }
}
