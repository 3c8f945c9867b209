import { Injectable } from '@nestjs/common';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { adminMfa, adminRefreshTokens, systemAdmins } from '@tenantry/db';
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

  async findAdminById(adminId: string) {
    const rows = await this.system.tx.select().from(systemAdmins).where(eq(systemAdmins.id, adminId));
    return rows[0];
  }

  async setPasswordHash(adminId: string, passwordHash: string): Promise<void> {
    await this.system.tx.update(systemAdmins).set({ passwordHash, updatedAt: sql`now()` }).where(eq(systemAdmins.id, adminId));
  }

  /** Revokes every family of the admin but `keepFamilyId` (the caller's); answers how many families. */
  async revokeOtherFamilies(adminId: string, keepFamilyId: string | undefined): Promise<number> {
    const rows = await this.system.tx
      .update(adminRefreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminRefreshTokens.adminId, adminId), isNull(adminRefreshTokens.revokedAt), keepFamilyId ? ne(adminRefreshTokens.familyId, keepFamilyId) : undefined))
      .returning({ familyId: adminRefreshTokens.familyId });
    return new Set(rows.map((row) => row.familyId)).size;
  }

  /**
   * Whether the admin exists (undefined if not), whether the token's session (refresh-token family)
   * still has a live token, and whether the admin has MFA: the per-request checks in one statement.
   */
  async presence(adminId: string, sessionId: string | undefined): Promise<{ isSessionLive: boolean; isMfaEnabled: boolean } | undefined> {
    const [row] = await this.system.tx
      .select({
        isMfaEnabled: sql<boolean>`exists (select 1 from ${adminMfa} where ${adminMfa.adminId} = ${adminId} and ${adminMfa.enabledAt} is not null)`,
        isSessionLive: sessionId
          ? sql<boolean>`exists (select 1 from ${adminRefreshTokens} where ${adminRefreshTokens.adminId} = ${adminId} and ${adminRefreshTokens.familyId} = ${sessionId} and ${adminRefreshTokens.revokedAt} is null)`
          : sql<boolean>`true`,
      })
      .from(systemAdmins)
      .where(eq(systemAdmins.id, adminId));
    return row;
  }

  async adminExists(adminId: string): Promise<boolean> {
    const rows = await this.system.tx.select({ id: systemAdmins.id }).from(systemAdmins).where(eq(systemAdmins.id, adminId));
    return rows.length > 0;
  }
}
