import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@tenantry/config';
import type { TenantRole } from '@tenantry/db';
import { AccessTokenClaims, ACCESS_TOKEN_ALGORITHM, AccessToken, QueueDashboardClaims } from './token-claims';

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

  issueTenantAccess(user: { id: string; tenantId: string; role: TenantRole }, ttlSeconds?: number): Promise<AccessToken> {
    return this.sign({ sub: user.id, tid: user.tenantId, role: user.role, typ: 'access' }, ttlSeconds);
  }

  /** A tenant token that names the system admin acting through it (`act`); never refreshable. */
  issueImpersonation(user: { id: string; tenantId: string; role: TenantRole }, adminId: string, ttlSeconds: number): Promise<AccessToken> {
    return this.sign({ sub: user.id, tid: user.tenantId, role: user.role, typ: 'access', act: { sub: adminId } }, ttlSeconds);
  }

  issueSystemAdminAccess(admin: { id: string }): Promise<AccessToken> {
    return this.sign({ sub: admin.id, role: 'system_admin', typ: 'access' });
  }

  /** A short-lived session of the queue dashboard for a system admin (see QueueDashboardClaims). */
  issueQueueDashboardSession(adminId: string, ttlSeconds: number): Promise<AccessToken> {
    return this.sign({ sub: adminId, role: 'system_admin', typ: 'queue_dashboard' }, ttlSeconds);
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
