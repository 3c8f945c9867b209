import { Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { ApiKey, apiKeys, TenantRole } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(limit: number, after: KeysetPosition | undefined): Promise<ApiKey[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.tenantId, tenantId),
          afterPosition(apiKeys.createdAt, apiKeys.id, after),
        ),
      )
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(limit + 1);
  }

  async create(values: { name: string; prefix: string; keyHash: string; role: TenantRole; createdBy: string | null; expiresAt?: Date }): Promise<ApiKey> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(apiKeys).values({ ...values, tenantId }).returning();
    return row!;
  }

  /**
   * Revokes a key: the key as it is now, with `wasActive` false when it had been revoked before
   * (revoking twice is harmless); undefined when the tenant has no such key.
   */
  async revoke(id: string): Promise<(ApiKey & { wasActive: boolean }) | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    // The row is locked by the update, so of two concurrent revokes exactly one sees it active.
    const [before] = await tx
      .select({ revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
      .for('update');
    if (!before) return undefined;
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
      .returning();
    return { ...row!, wasActive: before.revokedAt === null };
  }
}
