import { Inject, Injectable } from '@nestjs/common';
import { and, eq, isNull } from 'drizzle-orm';
import { adminRefreshTokens, DatabaseHandle, systemAdmins, Transaction } from '@tenantry/db';
import { SYSTEM_DATABASE } from '@tenantry/system-db';

/** System admins' refresh tokens (system pool; this table is not tenant-scoped). */
@Injectable()
export class AdminSessionsRepository {
  constructor(@Inject(SYSTEM_DATABASE) private readonly database: DatabaseHandle) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.db.transaction(work);
  }

  async insert(tx: Transaction, values: { adminId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await tx.insert(adminRefreshTokens).values(values);
  }

  async findByHashForUpdate(tx: Transaction, tokenHash: string) {
    const rows = await tx.select().from(adminRefreshTokens).where(eq(adminRefreshTokens.tokenHash, tokenHash)).for('update');
    return rows[0];
  }

  async markUsed(tx: Transaction, id: string): Promise<void> {
    await tx.update(adminRefreshTokens).set({ usedAt: new Date() }).where(eq(adminRefreshTokens.id, id));
  }

  async revokeFamily(tx: Transaction, familyId: string): Promise<void> {
    await tx
      .update(adminRefreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminRefreshTokens.familyId, familyId), isNull(adminRefreshTokens.revokedAt)));
  }

  async adminExists(tx: Transaction, adminId: string): Promise<boolean> {
    const rows = await tx.select({ id: systemAdmins.id }).from(systemAdmins).where(eq(systemAdmins.id, adminId));
    return rows.length > 0;
  }
}
