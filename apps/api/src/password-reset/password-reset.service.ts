import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword } from '@tenantry/auth';
import { MailOutbox } from '@tenantry/mail';
import { TenantDirectoryRepository, TenantTransaction } from '@tenantry/tenancy';
import { AccountMailThrottle, answerNoSoonerThan } from '../account-tokens/account-mail-throttle';
import { accountSlug, UNIFORM_ANSWER_MS } from '../account-tokens/account-scope';
import { assertUsable } from '../account-tokens/account-token-check';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository';
import { AcceptedResponse, TenantAccountDto, TokenWithPasswordDto } from '../account-tokens/dto/account.dto';
import { newOneTimeToken, parseOneTimeToken } from '../account-tokens/one-time-token';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository';
import { passwordResetMessage, RESET_TTL_MS } from './password-reset-mail';

const ACCEPTED: AcceptedResponse = { message: 'If the account exists, a password reset message is on its way' };

/**
 * Password reset of tenant users: the request answers 202 after the same time whether or not
 * the account exists (and mails only when it does); the link's token lasts 30 minutes, works
 * once, and confirming it revokes every session (refresh-token family) of the user.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly tokens: AccountTokensRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly outbox: MailOutbox,
    private readonly audit: AuditWriter,
    private readonly throttle: AccountMailThrottle,
    private readonly config: AppConfig,
  ) {}

  async request(input: TenantAccountDto, client: { host?: string; ip: string }): Promise<AcceptedResponse> {
    const started = Date.now();
    const slug = accountSlug(input.tenant, client.host, this.config.get('BASE_DOMAIN'));
    await this.throttle.consumeMail(`${slug}:${input.email}`, client.ip);
    const tenant = await this.directory.findBySlug(slug);
    if (tenant?.status === 'active') {
      await this.tenantTransaction.run({ tenantId: tenant.id }, async () => {
        const user = await this.tokens.userByEmail(input.email);
        if (!user) return;
        const { token, hash } = newOneTimeToken('password_reset', tenant.id);
        const expiresAt = new Date(Date.now() + RESET_TTL_MS);
        await this.tokens.replace(user.id, 'password_reset', hash, expiresAt);
        await this.outbox.queue(passwordResetMessage(this.config.get('APP_URL'), 'reset-password', { email: user.email, token, expiresAt }));
        await this.audit.write({ action: 'user.password_reset_requested', resourceType: 'user', resourceId: user.id, changes: { email: user.email }, actor: { type: 'system', id: null } });
      });
    }
    await answerNoSoonerThan(started, UNIFORM_ANSWER_MS);
    return ACCEPTED;
  }

  async confirm(input: TokenWithPasswordDto): Promise<void> {
    const parsed = parseOneTimeToken('password_reset', input.token);
    if (!parsed) throw new NotFoundException('This password reset link is not valid');
    // Slow hashing before the transaction, never inside it.
    const passwordHash = await hashPassword(input.password);
    await this.tenantTransaction.run({ tenantId: parsed.tenantId }, async () => {
      const row = await this.tokens.findForUpdate('password_reset', parsed.hash);
      assertUsable(row, 'password reset');
      await this.tokens.useAllOf(row.userId, 'password_reset');
      const user = (await this.tokens.setPassword(row.userId, passwordHash))!;
      await this.refreshTokens.revokeAllOfUser(user.id);
      await this.audit.write({ action: 'user.password_reset', resourceType: 'user', resourceId: user.id, changes: { email: user.email }, actor: { type: 'user', id: user.id } });
    });
  }
}
