import { Injectable } from '@nestjs/common';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { adminPasswordResets, adminRefreshTokens, systemAdmins } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';

/** System admins' reset tokens and the columns a reset changes, in the active system transaction. */
@Injectable()
export class AdminPasswordResetRepository {
  constructor(private readonly system: SystemTransaction) {}

  async adminByEmail(email: string) {
    const [row] = await this.system.tx.select({ id: systemAdmins.id, email: systemAdmins.email }).from(systemAdmins).where(eq(systemAdmins.email, email));
    return row;
  }

  async replace(adminId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.useAllOf(adminId);
    await this.system.tx.insert(adminPasswordResets).values({ adminId, tokenHash, expiresAt });
  }

  async findForUpdate(tokenHash: string) {
    const [row] = await this.system.tx.select().from(adminPasswordResets).where(eq(adminPasswordResets.tokenHash, tokenHash)).for('update');
    return row;
  }

  async useAllOf(adminId: string): Promise<void> {
    await this.system.tx
      .update(adminPasswordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(adminPasswordResets.adminId, adminId), isNull(adminPasswordResets.usedAt)));
  }

  async setPassword(adminId: string, passwordHash: string): Promise<void> {
    await this.system.tx.update(systemAdmins).set({ passwordHash, updatedAt: new Date() }).where(eq(systemAdmins.id, adminId));
  }

  async revokeSessions(adminId: string): Promise<void> {
    await this.system.tx
      .update(adminRefreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminRefreshTokens.adminId, adminId), isNull(adminRefreshTokens.revokedAt)));
  }
}
