import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@tenantry/config';
import type { TenantRole } from '@tenantry/db';
import { AccessTokenClaims, ACCESS_TOKEN_ALGORITHM, AccessToken, MFA_CHALLENGE_TTL_SECONDS, MfaChallengeClaims, QueueDashboardClaims } from './token-claims';

/**
 * Signs access tokens (verifying them on API routes is AccessTokenVerifier's job) and the queue
 * dashboard's session tokens.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** `sessionId` (the refresh-token family) becomes the `sid` claim: revoking the session ends the token too. */
  issueTenantAccess(user: { id: string; tenantId: string; role: TenantRole; sessionId?: string }, ttlSeconds?: number): Promise<AccessToken> {
    return this.sign({ sub: user.id, tid: user.tenantId, role: user.role, typ: 'access', ...(user.sessionId ? { sid: user.sessionId } : {}) }, ttlSeconds);
  }

  /** A tenant token that names the system admin acting through it (`act`); never refreshable. */
  issueImpersonation(user: { id: string; tenantId: string; role: TenantRole }, adminId: string, ttlSeconds: number): Promise<AccessToken> {
    return this.sign({ sub: user.id, tid: user.tenantId, role: user.role, typ: 'access', act: { sub: adminId } }, ttlSeconds);
  }

  issueSystemAdminAccess(admin: { id: string; sessionId?: string }): Promise<AccessToken> {
    return this.sign({ sub: admin.id, role: 'system_admin', typ: 'access', ...(admin.sessionId ? { sid: admin.sessionId } : {}) });
  }

  /** The 5-minute token between a correct password and the second factor (see MfaChallengeClaims). */
  async issueMfaChallenge(subject: { id: string; tenantId?: string }): Promise<string> {
    const claims: MfaChallengeClaims = { sub: subject.id, typ: 'mfa_challenge', ...(subject.tenantId ? { tid: subject.tenantId } : {}) };
    return this.jwt.signAsync(claims, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      secret: this.config.get('JWT_SECRET'),
      issuer: this.config.get('JWT_ISSUER'),
      audience: this.mfaAudience,
      expiresIn: MFA_CHALLENGE_TTL_SECONDS,
    });
  }

  /** The claims of a valid MFA challenge token, or undefined for anything else (an access token included). */
  async verifyMfaChallenge(token: string): Promise<MfaChallengeClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        secret: this.config.get('JWT_SECRET'),
        issuer: this.config.get('JWT_ISSUER'),
        audience: this.mfaAudience,
        ignoreExpiration: false,
      });
      if (claims.typ !== 'mfa_challenge' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
      if (claims.tid !== undefined && typeof claims.tid !== 'string') return undefined;
      return { sub: claims.sub, typ: 'mfa_challenge', ...(typeof claims.tid === 'string' ? { tid: claims.tid } : {}) };
    } catch {
      return undefined;
    }
  }

  private get mfaAudience(): string {
    return `${this.config.get('JWT_AUDIENCE')}:mfa`;
  }

  /**
   * A short-lived session of the queue dashboard for a system admin (see QueueDashboardClaims).
   * `sessionId` (the admin's sign-in) becomes the `sid` claim: signing out ends the dashboard session too.
   */
  issueQueueDashboardSession(adminId: string, sessionId: string | undefined, ttlSeconds: number): Promise<AccessToken> {
    return this.sign({ sub: adminId, role: 'system_admin', typ: 'queue_dashboard', ...(sessionId ? { sid: sessionId } : {}) }, ttlSeconds);
  }

  /**
   * Verifies a token exactly as AccessTokenVerifier does (HS256 pinned; iss, aud and exp checked) and
   * returns its claims; throws on any failure. The caller checks `typ` and the rest of the claims.
   */
  verify(token: string): Promise<Record<string, unknown>> {
    return this.jwt.verifyAsync<Record<string, unknown>>(token, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      secret: this.config.get('JWT_SECRET'),
      issuer: this.config.get('JWT_ISSUER'),
      audience: this.config.get('JWT_AUDIENCE'),
      ignoreExpiration: false,
    });
  }

  private async sign(claims: AccessTokenClaims | QueueDashboardClaims, ttlSeconds = this.config.get('ACCESS_TOKEN_TTL')): Promise<AccessToken> {
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      secret: this.config.get('JWT_SECRET'),
      issuer: this.config.get('JWT_ISSUER'),
      audience: this.config.get('JWT_AUDIENCE'),
      expiresIn: ttlSeconds,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
  }
}
