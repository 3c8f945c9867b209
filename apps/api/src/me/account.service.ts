import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { hashPassword, verifyPassword } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { LoginThrottle } from '../auth/login-throttle';
import { UserSessionsRepository } from '../auth/user-sessions.repository';
import { AccountRepository } from './account.repository';
import { PasswordChangeDto } from './dto/password-change.dto';
import { SessionList, toSessionResponse } from './dto/session.dto';
import { assertSignedInUser } from './signed-in-user';

const SESSION_LIST_LIMIT = 100;

/** The signed-in user's password and sessions. */
@Injectable()
export class AccountService {
  constructor(
    private readonly repository: AccountRepository,
    private readonly sessions: UserSessionsRepository,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * Checks the current password (wrong ones count like failed logins of this account and IP),
   * stores the new one and revokes every other session of the user; the caller's own continues.
   */
  async changePassword(principal: TenantPrincipal, input: PasswordChangeDto, ip: string): Promise<void> {
    assertSignedInUser(principal);
    const account = `password-change:${principal.tenantId}:${principal.subjectId}`;
    await this.throttle.assertAllowed(account, ip);
    const user = await this.repository.findForUpdate(principal.subjectId);
    if (!user) throw new NotFoundException('User not found');
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      await this.throttle.recordFailure(account, ip);
      throw new BadRequestException('currentPassword is not correct');
    }
    await this.throttle.recordSuccess(account);
    if (input.newPassword === input.currentPassword) throw new BadRequestException('newPassword must differ from currentPassword');
    await this.repository.setPasswordHash(user.id, await hashPassword(input.newPassword));
    const revokedSessions = await this.sessions.revokeOthers(user.id, principal.sessionId);
    await this.audit.write({ action: 'user.password_changed', resourceType: 'user', resourceId: user.id, changes: { revokedSessions } });
  }

  async listSessions(principal: TenantPrincipal): Promise<SessionList> {
    assertSignedInUser(principal);
    const rows = await this.sessions.listActive(principal.subjectId, SESSION_LIST_LIMIT);
    return { data: rows.map((row) => toSessionResponse(row, principal.sessionId)) };
  }

  /** Another user's (or another tenant's) session is 404, like one that does not exist. */
  async revokeSession(principal: TenantPrincipal, id: string): Promise<void> {
    // An API key has no sessions: whatever the id, none of its own is found.
    if (principal.actorType !== 'user' || !(await this.sessions.revokeOwn(principal.subjectId, id))) throw new NotFoundException('Session not found');
    await this.audit.write({ action: 'session.revoked', resourceType: 'session', resourceId: id, changes: { current: id === principal.sessionId } });
  }
}
