import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { hashPassword, verifyPassword } from '@tenantry/auth';
import { SystemTransaction } from '@tenantry/system-db';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { LoginThrottle } from '../auth/login-throttle';
import { PasswordChangeDto } from '../me/dto/password-change.dto';
import { RecoveryCodesResponse, TotpEnrolmentResponse } from '../me/dto/mfa.dto';
import { AdminMfaService } from './admin-mfa.service';
import { AdminSessionsRepository } from './admin-sessions.repository';

/**
 * A system admin's own account: password change (other sessions signed out) and the TOTP factor.
 * Audited in the system log (`system_admin.password_changed`, `system_admin.mfa_enabled`,
 * `system_admin.mfa_disabled`). argon2 runs outside the transaction.
 */
@Injectable()
export class AdminAccountService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly sessions: AdminSessionsRepository,
    private readonly mfa: AdminMfaService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
  ) {}

  async changePassword(admin: SystemAdminPrincipal, input: PasswordChangeDto, ip: string): Promise<void> {
    const account = `password-change:system:${admin.adminId}`;
    await this.throttle.assertAllowed(account, ip);
    const row = await this.system.run(() => this.sessions.findAdminById(admin.adminId));
    if (!row) throw new UnauthorizedException('This system admin no longer exists');
    if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('currentPassword is not correct');
    }
    await this.throttle.recordSuccess(account);
    if (input.newPassword === input.currentPassword) throw new BadRequestException('newPassword must differ from currentPassword');
    const passwordHash = await hashPassword(input.newPassword);
    await this.system.run(async () => {
      await this.sessions.setPasswordHash(admin.adminId, passwordHash);
      const revokedSessions = await this.sessions.revokeOtherFamilies(admin.adminId, admin.sessionId);
      await this.audit.writeSystem({ action: 'system_admin.password_changed', details: { adminId: admin.adminId, revokedSessions } });
    });
  }

  beginMfa(admin: SystemAdminPrincipal): Promise<TotpEnrolmentResponse> {
    return this.system.run(async () => {
      const row = await this.sessions.findAdminById(admin.adminId);
      if (!row) throw new UnauthorizedException('This system admin no longer exists');
      return this.mfa.begin(admin.adminId, row.email);
    });
  }

  confirmMfa(admin: SystemAdminPrincipal, code: string, ip: string): Promise<RecoveryCodesResponse> {
    return this.system.run(async () => {
      const recoveryCodes = await this.mfa.confirm(admin.adminId, code, ip);
      await this.audit.writeSystem({ action: 'system_admin.mfa_enabled', details: { adminId: admin.adminId, factor: 'totp' } });
      return { recoveryCodes };
    });
  }

  disableMfa(admin: SystemAdminPrincipal, code: string, ip: string): Promise<void> {
    return this.system.run(async () => {
      await this.mfa.disable(admin.adminId, code, ip);
      await this.audit.writeSystem({ action: 'system_admin.mfa_disabled', details: { adminId: admin.adminId, factor: 'totp' } });
    });
  }
}
