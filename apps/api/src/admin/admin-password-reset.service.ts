import { GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword } from '@tenantry/auth';
import { MailOutbox } from '@tenantry/mail';
import { SystemTransaction } from '@tenantry/system-db';
import { AccountMailThrottle, answerNoSoonerThan } from '../account-tokens/account-mail-throttle';
import { UNIFORM_ANSWER_MS } from '../account-tokens/account-scope';
import { AcceptedResponse, AdminAccountDto, TokenWithPasswordDto } from '../account-tokens/dto/account.dto';
import { newAdminResetToken, parseAdminResetToken } from '../account-tokens/one-time-token';
import { passwordResetMessage, RESET_TTL_MS } from '../password-reset/password-reset-mail';
import { AdminPasswordResetRepository } from './admin-password-reset.repository';

const ACCEPTED: AcceptedResponse = { message: 'If the account exists, a password reset message is on its way' };

/** The tenant users' password reset, for system admins: system outbox, system audit log. */
@Injectable()
export class AdminPasswordResetService {
  constructor(
    private readonly repository: AdminPasswordResetRepository,
    private readonly system: SystemTransaction,
    private readonly outbox: MailOutbox,
    private readonly audit: AuditWriter,
    private readonly throttle: AccountMailThrottle,
    private readonly config: AppConfig,
  ) {}

  async request(input: AdminAccountDto, ip: string): Promise<AcceptedResponse> {
    const started = Date.now();
    await this.throttle.consumeMail(`admin:${input.email}`, ip);
    await this.system.run(async () => {
      const admin = await this.repository.adminByEmail(input.email);
      if (!admin) return;
      const { token, hash } = newAdminResetToken();
      const expiresAt = new Date(Date.now() + RESET_TTL_MS);
      await this.repository.replace(admin.id, hash, expiresAt);
      await this.outbox.queueSystem(passwordResetMessage(this.config.get('APP_URL'), 'admin/reset-password', { email: admin.email, token, expiresAt }));
      await this.audit.writeSystem({ action: 'system_admin.password_reset_requested', details: { adminId: admin.id } });
    });
    await answerNoSoonerThan(started, UNIFORM_ANSWER_MS);
    return ACCEPTED;
  }

  async confirm(input: TokenWithPasswordDto): Promise<void> {
    const parsed = parseAdminResetToken(input.token);
    if (!parsed) throw new NotFoundException('This password reset link is not valid');
    const passwordHash = await hashPassword(input.password);
    await this.system.run(async () => {
      const row = await this.repository.findForUpdate(parsed.hash);
      if (!row) throw new NotFoundException('This password reset link is not valid');
      if (row.usedAt) throw new GoneException('This password reset link has already been used');
      if (row.expiresAt.getTime() <= Date.now()) throw new GoneException('This password reset link has expired; ask for a new one');
      await this.repository.useAllOf(row.adminId);
      await this.repository.setPassword(row.adminId, passwordHash);
      await this.repository.revokeSessions(row.adminId);
      await this.audit.writeSystem({ action: 'system_admin.password_reset', details: { adminId: row.adminId } });
    });
  }
}
