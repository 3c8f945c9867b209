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

  async create(values: { name: string; prefix: string; keyHash: string; role: TenantRole; createdBy: string; expiresAt?: Date }): Promise<ApiKey> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(apiKeys).values({ ...values, tenantId }).returning();
    return row!;
  }

  /** Revokes a key; false when the tenant has no such key. Revoking twice is harmless. */
  async revoke(id: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
      .returning({ id: apiKeys.id });
    return rows.length > 0;
  }
}
