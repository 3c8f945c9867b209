import { Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/**
 * User reads of the auth capability; every query runs in the current tenant transaction. A
 * deactivated user is not found here: no password login, no refresh, as for an unknown one.
 */
@Injectable()
export class UsersAuthRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async findByEmail(email: string) {
    const rows = await this.tenantTransaction.tx
      .select({ id: users.id, tenantId: users.tenantId, role: users.role, passwordHash: users.passwordHash, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(and(eq(users.tenantId, this.tenantTransaction.tenantId), eq(users.email, email), eq(users.status, 'active')));
    return rows[0];
  }

  async findById(id: string) {
    const rows = await this.tenantTransaction.tx
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(and(eq(users.tenantId, this.tenantTransaction.tenantId), eq(users.id, id), eq(users.status, 'active')));
    return rows[0];
  }
}
