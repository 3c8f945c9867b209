import { Injectable } from '@nestjs/common';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { refreshTokens, UserSession, userSessions } from '@tenantry/db';
import { TenantAccessVersions, TenantTransaction } from '@tenantry/tenancy';

/** Where a sign-in or refresh came from, as stored on its session. */
export interface SessionClient {
  ip?: string;
  userAgent?: string;
}

const clientColumns = (client: SessionClient) => ({ ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 512) ?? null });

/**
 * Sessions (refresh-token families) of the current tenant's users. Revoking one bumps the tenant's
 * access version after commit: the per-request check reads it (TenantAccessVersions).
 */
@Injectable()
export class UserSessionsRepository {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly accessVersions: TenantAccessVersions,
  ) {}

  async create(values: { id: string; userId: string; expiresAt: Date; client: SessionClient }): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.insert(userSessions).values({ tenantId, id: values.id, userId: values.userId, expiresAt: values.expiresAt, ...clientColumns(values.client) });
  }

  /** A refresh: the session was used now, from this client, and lasts another refresh-token lifetime. */
  async touch(id: string, values: { expiresAt: Date; client: SessionClient }): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .update(userSessions)
      .set({ lastUsedAt: sql`now()`, expiresAt: values.expiresAt, ...clientColumns(values.client) })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, id)));
  }

  /** The user's sessions that can still refresh, most recently used first. */
  async listActive(userId: string, limit: number): Promise<UserSession[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(userSessions)
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, sql`now()`)))
      .orderBy(desc(userSessions.lastUsedAt), desc(userSessions.id))
      .limit(limit);
  }

  /** Revokes one of the user's sessions and its tokens; false when the user has no such live session. */
  async revokeOwn(userId: string, id: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.id, id), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    if (revoked.length === 0) return false;
    this.accessVersions.bumpAfterCommit();
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.familyId, id), isNull(refreshTokens.revokedAt)));
    return true;
  }

  /** Revokes every session of the user but `keepId` (the caller's own, when it has one), with their tokens. */
  async revokeOthers(userId: string, keepId: string | undefined): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const keep = (column: typeof userSessions.id | typeof refreshTokens.familyId) => (keepId ? ne(column, keepId) : undefined);
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(userSessions.tenantId, tenantId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), keep(userSessions.id)))
      .returning({ id: userSessions.id });
    if (revoked.length > 0) this.accessVersions.bumpAfterCommit();
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.tenantId, tenantId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt), keep(refreshTokens.familyId)));
    return revoked.length;
  }
}
