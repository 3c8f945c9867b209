import { Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { randomSecret, sha256, TokenPair, TokenService } from '@tenantry/auth';
import type { Transaction } from '@tenantry/db';
import { AdminSessionsRepository } from './admin-sessions.repository';

/** System-admin refresh tokens are `art_<secret>`: never mistaken for a tenant's `rt_` token. */
const ADMIN_REFRESH_TOKEN = /^art_[A-Za-z0-9_-]{43}$/;

type RefreshOutcome = { kind: 'issued'; pair: TokenPair } | { kind: 'reused' } | { kind: 'invalid' };

/** The system-admin twin of tenant sessions: rotation, reuse detection, logout. */
@Injectable()
export class AdminSessionsService {
  constructor(
    private readonly repository: AdminSessionsRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  start(adminId: string): Promise<TokenPair> {
    return this.repository.transaction((tx) => this.issue(tx, adminId, randomUUID()));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) throw new UnauthorizedException('Invalid refresh token');
    const outcome = await this.repository.transaction(async (tx): Promise<RefreshOutcome> => {
      const row = await this.repository.findByHashForUpdate(tx, sha256(refreshToken));
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      if (row.usedAt) {
        await this.repository.revokeFamily(tx, row.familyId);
        return { kind: 'reused' };
      }
      if (!(await this.repository.adminExists(tx, row.adminId))) return { kind: 'invalid' };
      await this.repository.markUsed(tx, row.id);
      return { kind: 'issued', pair: await this.issue(tx, row.adminId, row.familyId) };
    });
    if (outcome.kind === 'issued') return outcome.pair;
    throw new UnauthorizedException(
      outcome.kind === 'reused' ? 'Refresh token was already used; every session of this login is revoked' : 'Invalid refresh token',
    );
  }

  async logout(refreshToken: string): Promise<void> {
    if (!ADMIN_REFRESH_TOKEN.test(refreshToken)) return;
    await this.repository.transaction(async (tx) => {
      const row = await this.repository.findByHashForUpdate(tx, sha256(refreshToken));
      if (row) await this.repository.revokeFamily(tx, row.familyId);
    });
  }

  private async issue(tx: Transaction, adminId: string, familyId: string): Promise<TokenPair> {
    const refreshToken = `art_${randomSecret()}`;
    await this.repository.insert(tx, {
      adminId,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.config.get('REFRESH_TOKEN_TTL') * 1000),
    });
    return { ...(await this.tokens.issueSystemAdminAccess({ id: adminId })), refreshToken };
  }
}
