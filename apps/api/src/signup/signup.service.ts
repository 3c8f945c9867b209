import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword } from '@tenantry/auth';
import { EventLog } from '@tenantry/events';
import { MailOutbox } from '@tenantry/mail';
import { TenantDirectoryRepository, TenantTransaction } from '@tenantry/tenancy';
import { AccountMailThrottle, answerNoSoonerThan } from '../account-tokens/account-mail-throttle';
import { accountSlug, UNIFORM_ANSWER_MS } from '../account-tokens/account-scope';
import { assertUsable } from '../account-tokens/account-token-check';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository';
import { AcceptedResponse, TenantAccountDto } from '../account-tokens/dto/account.dto';
import { newOneTimeToken, parseOneTimeToken } from '../account-tokens/one-time-token';
import { toUserResponse } from '../users/dto/user.dto';
import { SignupDto, SignupResponse, VerifiedEmailResponse } from './dto/signup.dto';
import { SignupRepository } from './signup.repository';
import { VERIFICATION_TTL_MS, verificationMessage } from './verification-mail';

const ACCEPTED: AcceptedResponse = { message: 'If the account exists and is not verified yet, a verification message is on its way' };

/**
 * Self-service signup: a tenant on SIGNUP_PLAN, its owner (unverified) and the verification mail,
 * in one transaction of the new tenant (all or nothing; a taken slug is 409). The owner signs in
 * once the mailed link is followed.
 */
@Injectable()
export class SignupService {
  constructor(
    private readonly repository: SignupRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly outbox: MailOutbox,
    private readonly audit: AuditWriter,
    private readonly events: EventLog,
    private readonly throttle: AccountMailThrottle,
    private readonly config: AppConfig,
  ) {}

  async signup(input: SignupDto, ip: string): Promise<SignupResponse> {
    if (!this.config.get('SIGNUP_ENABLED')) throw new ForbiddenException('Self-service signup is disabled on this deployment');
    await this.throttle.consumeSignup(ip);
    const passwordHash = await hashPassword(input.password);
    return this.tenantTransaction.run({ tenantId: randomUUID() }, async () => {
      const tenant = await this.repository.createTenant({ slug: input.slug, name: input.tenantName, plan: this.config.get('SIGNUP_PLAN') });
      const owner = await this.repository.createOwner(input.email, passwordHash);
      const actor = { type: 'user' as const, id: owner.id };
      await this.audit.write({ action: 'tenant.signed_up', resourceType: 'tenant', resourceId: tenant.id, changes: { after: { slug: tenant.slug, name: tenant.name, plan: this.config.get('SIGNUP_PLAN'), ownerEmail: owner.email } }, actor });
      await this.events.record('user.created', { object: { ...toUserResponse(owner) } });
      await this.sendVerification(owner);
      return { tenant, user: { id: owner.id, email: owner.email } };
    });
  }

  async verify(token: string): Promise<VerifiedEmailResponse> {
    const parsed = parseOneTimeToken('email_verification', token);
    if (!parsed) throw new NotFoundException('This verification link is not valid');
    return this.tenantTransaction.run({ tenantId: parsed.tenantId }, async () => {
      const row = await this.tokens.findForUpdate('email_verification', parsed.hash);
      assertUsable(row, 'verification');
      await this.tokens.useAllOf(row.userId, 'email_verification');
      const user = (await this.tokens.markVerified(row.userId))!;
      await this.audit.write({ action: 'user.email_verified', resourceType: 'user', resourceId: user.id, changes: { email: user.email }, actor: { type: 'user', id: user.id } });
      return { email: user.email, emailVerifiedAt: user.emailVerifiedAt! };
    });
  }

  /** 202 whatever the address: a new link only for an existing, unverified user. */
  async resend(input: TenantAccountDto, client: { host?: string; ip: string }): Promise<AcceptedResponse> {
    const started = Date.now();
    const slug = accountSlug(input.tenant, client.host, this.config.get('BASE_DOMAIN'));
    await this.throttle.consumeMail(`${slug}:${input.email}`, client.ip);
    const tenant = await this.directory.findBySlug(slug);
    if (tenant?.status === 'active') {
      await this.tenantTransaction.run({ tenantId: tenant.id }, async () => {
        const user = await this.tokens.userByEmail(input.email);
        if (user && !user.emailVerifiedAt) {
          await this.sendVerification(user);
          await this.audit.write({ action: 'user.verification_resent', resourceType: 'user', resourceId: user.id, changes: { email: user.email }, actor: { type: 'system', id: null } });
        }
      });
    }
    await answerNoSoonerThan(started, UNIFORM_ANSWER_MS);
    return ACCEPTED;
  }

  private async sendVerification(user: { id: string; email: string }): Promise<void> {
    const { token, hash } = newOneTimeToken('email_verification', this.tenantTransaction.tenantId);
    const expiresAt = new Date(Date.now() + VERIFICATION_TTL_MS);
    await this.tokens.replace(user.id, 'email_verification', hash, expiresAt);
    await this.outbox.queue(verificationMessage(this.config.get('APP_URL'), { email: user.email, token, expiresAt }));
  }
}
