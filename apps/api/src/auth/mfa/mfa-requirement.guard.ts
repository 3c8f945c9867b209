import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EffectiveConfigCache } from '@tenantry/plans';
import { Principal, TenantTransaction } from '@tenantry/tenancy';
import { ALLOWED_WITHOUT_MFA, isMfaRequired, MFA_ENROLMENT_REQUIRED } from './mfa-requirement';
import { UserMfaService } from './user-mfa.service';

/**
 * Global, after access and rate limit: in a tenant whose settings say `security.requireMfa`, a
 * user without an enabled factor gets 403 naming MFA enrolment on every route but the
 * @AllowedWithoutMfa ones (/v1/me, the caller's own account and enrolment). The setting comes from
 * the effective-config cache the rate limiter has just read, so other tenants pay nothing; the
 * factor is read in a short transaction of its own. API keys are no members and are not affected;
 * an impersonating system admin acts under its own rules.
 */
@Injectable()
export class MfaRequirementGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly configs: EffectiveConfigCache,
    private readonly tenantTransaction: TenantTransaction,
    private readonly mfa: UserMfaService,
  ) {}

  // Synchronous when there is nothing to check: Nest awaits only the guards that return a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal?.kind !== 'tenant' || principal.actorType !== 'user' || principal.impersonatorId) return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOWED_WITHOUT_MFA, [context.getHandler(), context.getClass()])) return true;
    return this.checkEnrolment(principal);
  }

  private async checkEnrolment(principal: Extract<Principal, { kind: 'tenant' }>): Promise<boolean> {
    const config = await this.configs.get(principal.tenantId);
    if (!config || !isMfaRequired(config.settings)) return true;
    const isEnrolled = await this.tenantTransaction.run({ tenantId: principal.tenantId, userId: principal.subjectId }, () =>
      this.mfa.isEnabled(principal.subjectId),
    );
    if (!isEnrolled) throw new ForbiddenException(MFA_ENROLMENT_REQUIRED);
    return true;
  }
}
