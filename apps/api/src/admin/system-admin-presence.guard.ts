import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '@tenantry/config';
import { SystemTransaction } from '@tenantry/system-db';
import type { Principal } from '@tenantry/tenancy';
import { ADMIN_MFA_ENROLMENT_REQUIRED, ALLOWED_WITHOUT_MFA } from '../auth/mfa/mfa-requirement';
import { AdminSessionsRepository } from './admin-sessions.repository';

/** Why a system admin's credential is not honoured now, in the shape both the guard and the queue dashboard answer. */
export type AdminPresenceProblem = { statusCode: 401 | 403; message: string };

/**
 * Whether a system admin's still-valid token (or queue dashboard session) is honoured: only while
 * its admin exists and its session is not signed out, and, with SYSTEM_ADMIN_REQUIRE_MFA, only for
 * an admin with an enabled factor (except on routes allowed without one). One statement reads all.
 */
@Injectable()
export class SystemAdminPresence {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminSessionsRepository,
    private readonly config: AppConfig,
  ) {}

  async problem(adminId: string, sessionId: string | undefined, { isAllowedWithoutMfa }: { isAllowedWithoutMfa: boolean }): Promise<AdminPresenceProblem | undefined> {
    const presence = await this.system.run(() => this.repository.presence(adminId, sessionId));
    if (!presence) return { statusCode: 401, message: 'This system admin no longer exists' };
    if (!presence.isSessionLive) return { statusCode: 401, message: 'This session has been signed out; sign in again' };
    if (this.config.get('SYSTEM_ADMIN_REQUIRE_MFA') && !presence.isMfaEnabled && !isAllowedWithoutMfa) return { statusCode: 403, message: ADMIN_MFA_ENROLMENT_REQUIRED };
    return undefined;
  }
}

/**
 * Global, right after authentication: a system-admin token is honoured only while its admin
 * exists and its session is not signed out, as a tenant token only while its user and session
 * are (the tenant transaction checks those): a removed admin's or a revoked session's still-valid
 * token is 401 on its next request. With SYSTEM_ADMIN_REQUIRE_MFA, an admin without an enabled
 * factor gets 403 on every route but its own account (@AllowedWithoutMfa).
 */
@Injectable()
export class SystemAdminPresenceGuard implements CanActivate {
  constructor(
    private readonly presence: SystemAdminPresence,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal?.kind !== 'system_admin') return true;
    const isAllowedWithoutMfa = this.reflector.getAllAndOverride<boolean>(ALLOWED_WITHOUT_MFA, [context.getHandler(), context.getClass()]) ?? false;
    const problem = await this.presence.problem(principal.adminId, principal.sessionId, { isAllowedWithoutMfa });
    if (problem?.statusCode === 401) throw new UnauthorizedException(problem.message);
    if (problem) throw new ForbiddenException(problem.message);
    return true;
  }
}
