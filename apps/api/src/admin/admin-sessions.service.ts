import { Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { MFA_CHALLENGE_TTL_SECONDS, randomSecret, sha256, TokenPair, TokenService, verifyPassword } from '@tenantry/auth';
import { SystemTransaction } from '@tenantry/system-db';
import { MfaChallengeResponse, MfaSignInDto } from '../auth/dto/mfa-sign-in.dto';
import { LoginThrottle } from '../auth/login-throttle';
import { assertOneProof } from '../auth/mfa/mfa-sign-in.service';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { AdminMfaService } from './admin-mfa.service';
import { AdminSessionsRepository } from './admin-sessions.repository';
import { AdminLoginDto } from './dto/admin-login.dto';

/** System-admin refresh tokens are `art_<secret>`: never mistaken for a tenant's `rt_` token. */
const ADMIN_REFRESH_TOKEN = /^art_[A-Za-z0-9_-]{43}$/;

type RefreshOutcome = { kind: 'issued'; pair: TokenPair } | { kind: 'reused' } | { kind: 'invalid' };

/** The system-admin twin of tenant sessions: login (throttled), rotation, reuse detection, logout. */
@Injectable()
export class AdminSessionsService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminSessionsRepository,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly mfa: AdminMfaService,
  ) {}

  async login(input: AdminLoginDto, ip: string): Promise<TokenPair | MfaChallengeResponse> {
    const account = `system:${input.email}`;
    await this.throttle.assertAllowed(account, ip);
    const admin = await this.system.run(() => this.repository.findAdminByEmail(input.email));
    const isValid = await verifyPassword(admin?.passwordHash, input.password);
    if (!admin || !isValid) {
      await this.throttle.recordFailure(account, ip);
      throw new UnauthorizedException('Invalid credentials');
    }
    await this.throttle.recordSuccess(account);
    // A second factor first: only an mfa token for POST /v1/admin/auth/mfa.
    if (await this.system.run(() => this.mfa.isEnabled(admin.id))) {
      return { mfaRequired: true, mfaToken: await this.tokens.issueMfaChallenge({ id: admin.id }), expiresIn: MFA_CHALLENGE_TTL_SECONDS };
    }
    return this.start(admin.id);
  }

  /** The second step: the mfa token of the password step and a code or a recovery code (wrong ones throttled). */
  async completeMfa(input: MfaSignInDto, ip: string): Promise<TokenPair> {
    assertOneProof(input);
    const claims = await this.tokens.verifyMfaChallenge(input.mfaToken);
    if (!claims || claims.tid !== undefined || !UUID_PATTERN.test(claims.sub)) throw new UnauthorizedException('Invalid or expired mfa token; sign in again');
    const adminId = claims.sub;
    const account = this.mfa.account(adminId);
    await this.throttle.assertAllowed(account, ip);
    const pair = await this.system.run(async () => {
      if (!(await this.repository.adminExists(adminId))) return undefined;
      if (!(await this.mfa.check(adminId, input))) return null;
      return this.issue(adminId, randomUUID());
    });
    if (pair === undefined) throw new UnauthorizedException('Invalid or expired mfa token; sign in again');
    if (pair === null) {
      await this.throttle.recordFailure(account, ip);
      throw new UnauthorizedException(input.code !== undefined ? 'The code is not valid (or was already used)' : 'The recovery code is not valid (or was already used)');
    }
    await this.throttle.recordSuccess(account);
    return pair;
  }

  start(adminId: string): Promise<TokenPair> {
    return this.system.run(() => this.issue(adminId, randomUUID()));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) throw new UnauthorizedException('Invalid refresh token');
    const outcome = await this.system.run(async (): Promise<RefreshOutcome> => {
      const row = await this.repository.findByHashForUpdate(sha256(refreshToken));
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      if (row.usedAt) {
        await this.repository.revokeFamily(row.familyId);
        return { kind: 'reused' };
      }
      if (!(await this.repository.adminExists(row.adminId))) return { kind: 'invalid' };
      await this.repository.markUsed(row.id);
      return { kind: 'issued', pair: await this.issue(row.adminId, row.familyId) };
    });
    if (outcome.kind === 'issued') return outcome.pair;
    throw new UnauthorizedException(
      outcome.kind === 'reused' ? 'Refresh token was already used; every session of this login is revoked' : 'Invalid refresh token',
    );
  }

  async logout(refreshToken: string): Promise<void> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) return;
    await this.system.run(async () => {
      const row = await this.repository.findByHashForUpdate(sha256(refreshToken));
      if (row) await this.repository.revokeFamily(row.familyId);
    });
  }

  private async issue(adminId: string, familyId: string): Promise<TokenPair> {
    const refreshToken = `art_${randomSecret()}`;
    await this.repository.insert({
      adminId,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.config.get('REFRESH_TOKEN_TTL') * 1000),
    });
    return { ...(await this.tokens.issueSystemAdminAccess({ id: adminId, sessionId: familyId })), refreshToken };
  }
}
