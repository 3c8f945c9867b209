import { Injectable } from '@nestjs/common';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { AccountToken, AccountTokenPurpose, accountTokens, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** The one-time tokens of tenant users and the user columns they change, in the current tenant transaction. */
@Injectable()
export class AccountTokensRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async userByEmail(email: string) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ id: users.id, email: users.email, role: users.role, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.email, email)));
    return row;
  }

  /** A new token for the user; the earlier unused ones of the same purpose stop working. */
  async replace(userId: string, purpose: AccountTokenPurpose, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.useAllOf(userId, purpose);
    const { tx, tenantId } = this.tenantTransaction;
    await tx.insert(accountTokens).values({ tenantId, userId, purpose, tokenHash, expiresAt });
  }

  async findForUpdate(purpose: AccountTokenPurpose, tokenHash: string): Promise<AccountToken | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.tenantId, tenantId), eq(accountTokens.tokenHash, tokenHash), eq(accountTokens.purpose, purpose)))
      .for('update');
    return row;
  }

  async useAllOf(userId: string, purpose: AccountTokenPurpose): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .update(accountTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(accountTokens.tenantId, tenantId), eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
  }

  async markVerified(userId: string) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
      .returning({ id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt });
    return row;
  }

  /** A reset proves the address too. */
  async setPassword(userId: string, passwordHash: string) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
      .returning({ id: users.id, email: users.email });
    return row;
  }
}
