import { BadRequestException, ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { TokenPair, verifyPassword } from '@tenantry/auth';
import { EffectiveConfigService } from '@tenantry/plans';
import { slugFromHost, TenantDirectoryRepository, TenantPrincipal, TenantTransaction } from '@tenantry/tenancy';
import { LoginDto } from './dto/login.dto';
import { MfaChallengeResponse } from './dto/mfa-sign-in.dto';
import { LoginThrottle } from './login-throttle';
import { MfaSignInService } from './mfa/mfa-sign-in.service';
import { UserMfaService } from './mfa/user-mfa.service';
import { TenantSessionsService } from './tenant-sessions.service';
import type { SessionClient } from './user-sessions.repository';
import { UsersAuthRepository } from './users-auth.repository';

const INVALID_CREDENTIALS = 'Invalid credentials';

const isSsoRequired = (settings: Record<string, unknown>): boolean =>
  (settings.security as { ssoRequired?: unknown } | undefined)?.ssoRequired === true;

@Injectable()
export class AuthService {
  constructor(
    private readonly directory: TenantDirectoryRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly usersRepository: UsersAuthRepository,
    private readonly sessions: TenantSessionsService,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly mfa: UserMfaService,
    private readonly mfaSignIn: MfaSignInService,
  ) {}

  /**
   * One answer for an unknown tenant, an unknown email and a wrong password, and the same work
   * (one argon2 verification) for each, so neither the body nor the timing tells them apart.
   */
  async login(input: LoginDto, client: { host?: string; ip: string; session?: SessionClient }): Promise<TokenPair | MfaChallengeResponse> {
    const hostSlug = slugFromHost(client.host, this.config.get('BASE_DOMAIN'));
    if (input.tenant && hostSlug && input.tenant !== hostSlug) {
      throw new BadRequestException('tenant does not match the host');
    }
    const slug = input.tenant ?? hostSlug;
    if (!slug) throw new BadRequestException('tenant is required (in the body or as the host name)');
    const account = `${slug}:${input.email}`;
    await this.throttle.assertAllowed(account, client.ip);

    const tenant = await this.directory.findBySlug(slug);
    // The hash is read in a short tenant transaction; argon2 runs after it, outside any transaction.
    const user = tenant
      ? await this.tenantTransaction.run({ tenantId: tenant.id }, () => this.usersRepository.findByEmail(input.email))
      : undefined;
    const isValid = await verifyPassword(user?.passwordHash, input.password);
    if (!tenant || !user || !isValid) {
      await this.throttle.recordFailure(account, client.ip);
      if (tenant) {
        await this.tenantTransaction.run({ tenantId: tenant.id }, () =>
          this.audit.write({
            action: 'auth.login_failed',
            resourceType: 'user',
            resourceId: user?.id ?? null,
            changes: { email: input.email },
            actor: { type: 'system', id: null },
          }),
        );
      }
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    await this.throttle.recordSuccess(account);
    // Only a caller who knows a valid password learns that the tenant is not active.
    if (tenant.status !== 'active') throw new ForbiddenException(`Tenant is ${tenant.status}`);
    if (!user.emailVerifiedAt) {
      throw new ForbiddenException('Email verification required: follow the link in the verification email first (POST /v1/auth/verify-email/resend sends a new one)');
    }
    return this.tenantTransaction.run({ tenantId: tenant.id, userId: user.id }, async () => {
      // Owners keep their password as the break-glass way in when the identity provider fails.
      if (user.role !== 'owner' && isSsoRequired((await this.effectiveConfig.current()).settings)) {
        throw new ForbiddenException('This tenant requires single sign-on: sign in through its identity provider');
      }
      // A second factor first: no token yet, only the mfa token for POST /v1/auth/mfa.
      if (await this.mfa.isEnabled(user.id)) return this.mfaSignIn.challenge(user);
      return this.sessions.start(user, client.session);
    });
  }

  async me(principal: TenantPrincipal) {
    const tenant = await this.directory.current();
    // Unreachable in practice: the request's guard has just read this tenant as active.
    if (!tenant) throw new NotFoundException('Tenant not found');
    if (principal.actorType === 'api_key') {
      return { apiKey: { id: principal.subjectId, role: principal.role }, tenant };
    }
    const user = await this.usersRepository.findById(principal.subjectId);
    if (!user) throw new NotFoundException('User not found');
    return { user, tenant, ...(principal.impersonatorId ? { impersonatedBy: { id: principal.impersonatorId } } : {}) };
  }
}
