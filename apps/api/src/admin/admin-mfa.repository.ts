import { Injectable } from '@nestjs/common';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { AdminMfa, adminMfa, adminMfaRecoveryCodes } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';

/** System admins' TOTP factors and recovery codes (system pool, in the caller's SystemTransaction). */
@Injectable()
export class AdminMfaRepository {
  constructor(private readonly system: SystemTransaction) {}

  async find(adminId: string): Promise<AdminMfa | undefined> {
    const [row] = await this.system.tx.select().from(adminMfa).where(eq(adminMfa.adminId, adminId));
    return row;
  }

  async isEnabled(adminId: string): Promise<boolean> {
    const rows = await this.system.tx.select({ id: adminMfa.adminId }).from(adminMfa).where(and(eq(adminMfa.adminId, adminId), isNotNull(adminMfa.enabledAt)));
    return rows.length > 0;
  }

  async savePending(adminId: string, wrapped: { wrappedKey: string; masterKeyVersion: string }): Promise<void> {
    const pending = { pendingCiphertext: wrapped.wrappedKey, pendingKeyVersion: wrapped.masterKeyVersion, pendingSince: sql`now()` };
    await this.system.tx
      .insert(adminMfa)
      .values({ adminId, ...pending })
      .onConflictDoUpdate({ target: adminMfa.adminId, set: { ...pending, updatedAt: sql`now()` } });
  }

  /** The pending secret becomes the factor; its confirming code's step is the last one used. */
  async enable(adminId: string, timeStep: number): Promise<void> {
    await this.system.tx
      .update(adminMfa)
      .set({
        secretCiphertext: sql`${adminMfa.pendingCiphertext}`,
        secretKeyVersion: sql`${adminMfa.pendingKeyVersion}`,
        pendingCiphertext: null,
        pendingKeyVersion: null,
        pendingSince: null,
        enabledAt: sql`now()`,
        lastTimeStep: timeStep,
        updatedAt: sql`now()`,
      })
      .where(eq(adminMfa.adminId, adminId));
  }

  /** Takes a code's time step if later than the last one taken (one guarded UPDATE). */
  async takeTimeStep(adminId: string, timeStep: number): Promise<boolean> {
    const rows = await this.system.tx
      .update(adminMfa)
      .set({ lastTimeStep: timeStep, updatedAt: sql`now()` })
      .where(and(eq(adminMfa.adminId, adminId), isNotNull(adminMfa.enabledAt), or(isNull(adminMfa.lastTimeStep), lt(adminMfa.lastTimeStep, timeStep))))
      .returning({ id: adminMfa.adminId });
    return rows.length > 0;
  }

  async remove(adminId: string): Promise<void> {
    await this.system.tx.delete(adminMfaRecoveryCodes).where(eq(adminMfaRecoveryCodes.adminId, adminId));
    await this.system.tx.delete(adminMfa).where(eq(adminMfa.adminId, adminId));
  }

  async replaceRecoveryCodes(adminId: string, codeHashes: string[]): Promise<void> {
    await this.system.tx.delete(adminMfaRecoveryCodes).where(eq(adminMfaRecoveryCodes.adminId, adminId));
    await this.system.tx.insert(adminMfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ adminId, codeHash })));
  }

  async useRecoveryCode(adminId: string, codeHash: string): Promise<boolean> {
    const rows = await this.system.tx
      .update(adminMfaRecoveryCodes)
      .set({ usedAt: sql`now()` })
      .where(and(eq(adminMfaRecoveryCodes.adminId, adminId), eq(adminMfaRecoveryCodes.codeHash, codeHash), isNull(adminMfaRecoveryCodes.usedAt)))
      .returning({ id: adminMfaRecoveryCodes.id });
    return rows.length > 0;
  }
}
