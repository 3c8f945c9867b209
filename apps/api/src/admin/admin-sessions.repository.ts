import { Injectable } from '@nestjs/common';
import { and, eq, isNull } from 'drizzle-orm';
import { adminRefreshTokens, systemAdmins } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';

/** System admins' sign-in and refresh tokens (system pool, in the caller's SystemTransaction; this table is not tenant-scoped). */
@Injectable()
export class AdminSessionsRepository {
  constructor(private readonly system: SystemTransaction) {}

  async findAdminByEmail(email: string) {
    const rows = await this.system.tx.select().from(systemAdmins).where(eq(systemAdmins.email, email));
    return rows[0];
  }

  async insert(values: { adminId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.system.tx.insert(adminRefreshTokens).values(values);
  }

  async findByHashForUpdate(tokenHash: string) {
    const rows = await this.system.tx.select().from(adminRefreshTokens).where(eq(adminRefreshTokens.tokenHash, tokenHash)).for('update');
    return rows[0];
  }

  async markUsed(id: string): Promise<void> {
    await this.system.tx.update(adminRefreshTokens).set({ usedAt: new Date() }).where(eq(adminRefreshTokens.id, id));
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.system.tx
      .update(adminRefreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminRefreshTokens.familyId, familyId), isNull(adminRefreshTokens.revokedAt)));
  }

  async adminExists(adminId: string): Promise<boolean> {
    const rows = await this.system.tx.select({ id: systemAdmins.id }).from(systemAdmins).where(eq(systemAdmins.id, adminId));
    return rows.length > 0;
  }
}
