import { Injectable } from '@nestjs/common';
import { and, eq, isNull } from 'drizzle-orm';
import { RefreshToken, refreshTokens, userSessions } from '@tenantry/db';
import { TenantAccessVersions, TenantTransaction } from '@tenantry/tenancy';

/**
 * Refresh tokens of the current tenant's users. Revoking a session with them bumps the tenant's
 * access version after commit: the per-request check reads it (TenantAccessVersions).
 */
@Injectable()
export class RefreshTokensRepository {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly accessVersions: TenantAccessVersions,
  ) {}

  async insert(values: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.insert(refreshTokens).values({ ...values, tenantId });
  }

  /** Locks the row so two concurrent refreshes of one token cannot both succeed. */
  async findByHashForUpdate(tokenHash: string): Promise<RefreshToken | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .select()
      .from(refreshTokens)
      .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.tokenHash, tokenHash)))
      .for('update');
    return rows[0];
  }

  async markUsed(id: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.update(refreshTokens).set({ usedAt: new Date() }).where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.id, id)));
  }

  /** Revokes the family's tokens and its session (which ends the access tokens issued for it). */
  async revokeFamily(familyId: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, familyId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    if (revoked.length > 0) this.accessVersions.bumpAfterCommit();
    await tx
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  async revokeAllOfUser(userId: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    if (revoked.length > 0) this.accessVersions.bumpAfterCommit();
    await tx
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  }
}
