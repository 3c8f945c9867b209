import { Injectable } from '@nestjs/common';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { ScimToken, scimTokens } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

@Injectable()
export class ScimTokensRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async create(values: { name: string; prefix: string; tokenHash: string; createdBy: string | null }): Promise<ScimToken> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(scimTokens).values({ ...values, tenantId }).returning();
    return row!;
  }

  async list(limit: number, after: KeysetPosition | undefined): Promise<ScimToken[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(scimTokens)
      .where(and(eq(scimTokens.tenantId, tenantId), afterPosition(scimTokens.createdAt, scimTokens.id, after)))
      .orderBy(desc(scimTokens.createdAt), desc(scimTokens.id))
      .limit(limit + 1);
  }

  /** Revokes once; a second revocation finds the row and changes nothing. */
  async revoke(id: string): Promise<(ScimToken & { wasActive: boolean }) | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [revoked] = await tx
      .update(scimTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(scimTokens.tenantId, tenantId), eq(scimTokens.id, id), isNull(scimTokens.revokedAt)))
      .returning();
    if (revoked) return { ...revoked, wasActive: true };
    const [existing] = await tx.select().from(scimTokens).where(and(eq(scimTokens.tenantId, tenantId), eq(scimTokens.id, id)));
    return existing && { ...existing, wasActive: false };
  }
}
