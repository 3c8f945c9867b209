import { Injectable } from '@nestjs/common';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { mfaRecoveryCodes, UserMfa, userMfa } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** Tenant users' TOTP factors and recovery codes, in the active tenant transaction. */
@Injectable()
export class UserMfaRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async find(userId: string): Promise<UserMfa | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(userMfa).where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)));
    return row;
  }

  async isEnabled(userId: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .select({ id: userMfa.id })
      .from(userMfa)
      .where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId), isNotNull(userMfa.enabledAt)));
    return rows.length > 0;
  }

  async markPending(userId: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .insert(userMfa)
      .values({ tenantId, userId, pendingSince: sql`now()` })
      .onConflictDoUpdate({ target: [userMfa.tenantId, userMfa.userId], set: { pendingSince: sql`now()`, updatedAt: sql`now()` } });
  }

  /** The pending enrolment becomes the factor; its confirming code's step is the last one used. */
  async enable(userId: string, timeStep: number): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .update(userMfa)
      .set({ enabledAt: sql`now()`, pendingSince: null, lastTimeStep: timeStep, updatedAt: sql`now()` })
      .where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)));
  }

  /**
   * Takes a code's time step if it is later than the last one taken: one guarded UPDATE, so two
   * concurrent sign-ins with the same code cannot both succeed.
   */
  async takeTimeStep(userId: string, timeStep: number): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .update(userMfa)
      .set({ lastTimeStep: timeStep, updatedAt: sql`now()` })
      .where(
        and(
          eq(userMfa.tenantId, tenantId),
          eq(userMfa.userId, userId),
          isNotNull(userMfa.enabledAt),
          or(isNull(userMfa.lastTimeStep), lt(userMfa.lastTimeStep, timeStep)),
        ),
      )
      .returning({ id: userMfa.id });
    return rows.length > 0;
  }

  async remove(userId: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.delete(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId)));
    await tx.delete(userMfa).where(and(eq(userMfa.tenantId, tenantId), eq(userMfa.userId, userId)));
  }

  async replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.delete(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId)));
    await tx.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ tenantId, userId, codeHash })));
  }

  /** Uses up a recovery code: true once, false for an unknown or used one (one guarded UPDATE). */
  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .update(mfaRecoveryCodes)
      .set({ usedAt: sql`now()` })
      .where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash), isNull(mfaRecoveryCodes.usedAt)))
      .returning({ id: mfaRecoveryCodes.id });
    return rows.length > 0;
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(mfaRecoveryCodes)
      .where(and(eq(mfaRecoveryCodes.tenantId, tenantId), eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
    return row?.count ?? 0;
  }
}
