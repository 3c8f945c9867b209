import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { UserMfaService } from '../auth/mfa/user-mfa.service';
import { UsersAuthRepository } from '../auth/users-auth.repository';
import { RecoveryCodesResponse, TotpEnrolmentResponse } from './dto/mfa.dto';
import { assertSignedInUser } from './signed-in-user';

/** The signed-in user's enrolment and removal of a TOTP factor. */
@Injectable()
export class MeMfaService {
  constructor(
    private readonly mfa: UserMfaService,
    private readonly users: UsersAuthRepository,
    private readonly audit: AuditWriter,
  ) {}

  async begin(principal: TenantPrincipal): Promise<TotpEnrolmentResponse> {
    assertSignedInUser(principal);
    const user = await this.users.findById(principal.subjectId);
    if (!user) throw new NotFoundException('User not found');
    return this.mfa.begin(user.id, user.email);
  }

  async confirm(principal: TenantPrincipal, code: string, ip: string): Promise<RecoveryCodesResponse> {
    assertSignedInUser(principal);
    const recoveryCodes = await this.mfa.confirm(principal.subjectId, code, ip);
    await this.audit.write({ action: 'user.mfa_enabled', resourceType: 'user', resourceId: principal.subjectId, changes: { factor: 'totp' } });
    return { recoveryCodes };
  }

  async disable(principal: TenantPrincipal, code: string, ip: string): Promise<void> {
    assertSignedInUser(principal);
    await this.mfa.disable(principal.subjectId, code, ip);
    await this.audit.write({ action: 'user.mfa_disabled', resourceType: 'user', resourceId: principal.subjectId, changes: { factor: 'totp' } });
  }
}
