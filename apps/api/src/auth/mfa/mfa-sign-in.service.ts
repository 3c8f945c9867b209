import { BadRequestException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { MFA_CHALLENGE_TTL_SECONDS, TokenPair, TokenService } from '@tenantry/auth';
import { TenantDirectoryRepository, TenantTransaction, UUID_PATTERN } from '@tenantry/tenancy';
import { MfaChallengeResponse, MfaSignInDto } from '../dto/mfa-sign-in.dto';
import { LoginThrottle } from '../login-throttle';
import { TenantSessionsService } from '../tenant-sessions.service';
import type { SessionClient } from '../user-sessions.repository';
import { UsersAuthRepository } from '../users-auth.repository';
import { UserMfaService } from './user-mfa.service';

type Outcome = { kind: 'issued'; pair: TokenPair } | { kind: 'wrong' } | { kind: 'invalid' } | { kind: 'inactive'; status: string };

/** Proofs of the second factor: exactly one of a code and a recovery code. */
export function assertOneProof(input: { code?: string; recoveryCode?: string }): void {
  if ((input.code === undefined) === (input.recoveryCode === undefined)) throw new BadRequestException('give exactly one of code and recoveryCode');
}

/**
 * The second step of a tenant user's sign-in: the mfa token of the password step and a TOTP code
 * or a recovery code give the token pair. Wrong proofs are audited (`auth.mfa_failed`) and count
 * like failed logins of the account and IP, then 429.
 */
@Injectable()
export class MfaSignInService {
  constructor(
    private readonly tokens: TokenService,
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly users: UsersAuthRepository,
    private readonly mfa: UserMfaService,
    private readonly sessions: TenantSessionsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
  ) {}

  /** The password step's answer for a user with MFA; call inside the user's tenant transaction. */
  async challenge(user: { id: string; tenantId: string }): Promise<MfaChallengeResponse> {
    return { mfaRequired: true, mfaToken: await this.tokens.issueMfaChallenge({ id: user.id, tenantId: user.tenantId }), expiresIn: MFA_CHALLENGE_TTL_SECONDS };
  }

  async complete(input: MfaSignInDto, client: { ip: string; session: SessionClient }): Promise<TokenPair> {
    assertOneProof(input);
    const claims = await this.tokens.verifyMfaChallenge(input.mfaToken);
    if (!claims?.tid || !UUID_PATTERN.test(claims.tid) || !UUID_PATTERN.test(claims.sub)) throw new UnauthorizedException('Invalid or expired mfa token; sign in again');
    const { tid: tenantId, sub: userId } = claims;
    const account = `mfa:${tenantId}:${userId}`;
    await this.throttle.assertAllowed(account, client.ip);
    const outcome = await this.tenantTransaction.run({ tenantId, userId }, async (): Promise<Outcome> => {
      const tenant = await this.directory.current();
      if (!tenant) return { kind: 'invalid' };
      const user = await this.users.findById(userId);
      if (!user) return { kind: 'invalid' };
      const accepted = await this.mfa.check(userId, input);
      if (!accepted) {
        await this.audit.write({ action: 'auth.mfa_failed', resourceType: 'user', resourceId: userId, changes: { proof: input.code !== undefined ? 'code' : 'recovery_code' }, actor: { type: 'system', id: null } });
        return { kind: 'wrong' };
      }
      if (tenant.status !== 'active') return { kind: 'inactive', status: tenant.status };
      await this.audit.write({ action: 'auth.mfa_succeeded', resourceType: 'user', resourceId: userId, changes: { proof: accepted }, actor: { type: 'user', id: userId } });
      return { kind: 'issued', pair: await this.sessions.start({ id: user.id, tenantId, role: user.role }, client.session) };
    });
    switch (outcome.kind) {
      case 'issued':
        await this.throttle.recordSuccess(account);
        return outcome.pair;
      case 'wrong':
        await this.throttle.recordFailure(account, client.ip);
        throw new UnauthorizedException(input.code !== undefined ? 'The code is not valid (or was already used)' : 'The recovery code is not valid (or was already used)');
      case 'inactive':
        throw new ForbiddenException(`Tenant is ${outcome.status}`);
      default:
        throw new UnauthorizedException('Invalid or expired mfa token; sign in again');
    }
  }
}
