import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { sha256, TokenPair, TokenService } from '@tenantry/auth';
import type { TenantRole } from '@tenantry/db';
import { TenantDirectoryRepository, TenantTransaction } from '@tenantry/tenancy';
import { newTenantRefreshToken, parseTenantRefreshToken } from './refresh-token-format';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionClient, UserSessionsRepository } from './user-sessions.repository';
import { UsersAuthRepository } from './users-auth.repository';

type RefreshOutcome = { kind: 'issued'; pair: TokenPair } | { kind: 'reused' } | { kind: 'invalid' } | { kind: 'inactive'; status: string };

/**
 * Access + refresh token pairs for tenant users. A refresh token is single-use: refreshing marks
 * it used and issues the next one of the same family; presenting a used token again means it
 * leaked, so the whole family is revoked (and committed) before the 401.
 */
@Injectable()
export class TenantSessionsService {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly refreshTokensRepository: RefreshTokensRepository,
    private readonly userSessions: UserSessionsRepository,
    private readonly usersRepository: UsersAuthRepository,
    private readonly directory: TenantDirectoryRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
  ) {}

  /** Starts a session (a family); call inside the user's tenant transaction. */
  async start(user: { id: string; tenantId: string; role: TenantRole }, client: SessionClient = {}): Promise<TokenPair> {
    const familyId = randomUUID();
    await this.userSessions.create({ id: familyId, userId: user.id, expiresAt: this.refreshExpiry(), client });
    return this.issue(user, familyId);
  }

  private async issue(user: { id: string; tenantId: string; role: TenantRole }, familyId: string): Promise<TokenPair> {
    const refreshToken = newTenantRefreshToken(user.tenantId);
    await this.refreshTokensRepository.insert({ userId: user.id, familyId, tokenHash: sha256(refreshToken), expiresAt: this.refreshExpiry() });
    return { ...(await this.tokens.issueTenantAccess({ ...user, sessionId: familyId })), refreshToken };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.get('REFRESH_TOKEN_TTL') * 1000);
  }

  async refresh(refreshToken: string, client: SessionClient = {}): Promise<TokenPair> {
    const parsed = parseTenantRefreshToken(refreshToken);
    if (!parsed) throw new UnauthorizedException('Invalid refresh token');
    const outcome = await this.tenantTransaction.run({ tenantId: parsed.tenantId }, async (): Promise<RefreshOutcome> => {
      const row = await this.refreshTokensRepository.findByHashForUpdate(sha256(refreshToken));
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      if (row.usedAt) {
        await this.refreshTokensRepository.revokeFamily(row.familyId);
        await this.audit.write({
          action: 'auth.refresh_token_reused',
          resourceType: 'user',
          resourceId: row.userId,
          changes: { familyId: row.familyId },
          actor: { type: 'system', id: null },
        });
        return { kind: 'reused' };
      }
      const tenant = await this.directory.current();
      if (!tenant) return { kind: 'invalid' };
      if (tenant.status !== 'active') return { kind: 'inactive', status: tenant.status };
      const user = await this.usersRepository.findById(row.userId);
      if (!user) return { kind: 'invalid' };
      await this.refreshTokensRepository.markUsed(row.id);
      await this.userSessions.touch(row.familyId, { expiresAt: this.refreshExpiry(), client });
      return { kind: 'issued', pair: await this.issue({ id: user.id, tenantId: parsed.tenantId, role: user.role }, row.familyId) };
    });
    switch (outcome.kind) {
      case 'issued':
        return outcome.pair;
      case 'inactive':
        throw new ForbiddenException(`Tenant is ${outcome.status}`);
      case 'reused':
        throw new UnauthorizedException('Refresh token was already used; every session of this login is revoked');
      default:
        throw new UnauthorizedException('Invalid refresh token');
    }
  }

  /** Revokes the token's whole family. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    const parsed = parseTenantRefreshToken(refreshToken);
    if (!parsed) return;
    await this.tenantTransaction.run({ tenantId: parsed.tenantId }, async () => {
      const row = await this.refreshTokensRepository.findByHashForUpdate(sha256(refreshToken));
      if (row) await this.refreshTokensRepository.revokeFamily(row.familyId);
    });
  }
}
