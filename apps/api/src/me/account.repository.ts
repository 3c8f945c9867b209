import { Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** The signed-in user's own credentials, in the request's tenant transaction. */
@Injectable()
export class AccountRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /** Locks the row: two concurrent changes of one password are serialised. */
  async findForUpdate(userId: string): Promise<{ id: string; email: string; passwordHash: string | null } | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
      .for('update');
    return row;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
  }
}
