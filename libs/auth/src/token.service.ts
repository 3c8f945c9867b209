import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@tenantry/config';
import type { TenantRole } from '@tenantry/db';
import { AccessTokenClaims, ACCESS_TOKEN_ALGORITHM, AccessToken } from './token-claims';

/** Signs access tokens; verification is the JWT strategy's job. */
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

  private async sign(claims: AccessTokenClaims, ttlSeconds = this.config.get('ACCESS_TOKEN_TTL')): Promise<AccessToken> {
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
