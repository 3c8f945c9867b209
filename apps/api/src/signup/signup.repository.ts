import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** The statements of a signup, in the new tenant's own transaction. */
@Injectable()
export class SignupRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /**
   * The tenant row, through the narrow security-definer function that may create only the tenant
   * this transaction is scoped to (the app role has no INSERT on tenants).
   */
  async createTenant(input: { slug: string; name: string; plan: string }) {
    await this.tenantTransaction.tx.execute(sql`select signup_create_tenant(${input.slug}, ${input.name}, ${input.plan})`);
    return { id: this.tenantTransaction.tenantId, slug: input.slug, name: input.name };
  }

  /** The owner, unverified until the mailed link is followed. */
  async createOwner(email: string, passwordHash: string) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(users).values({ tenantId, email, passwordHash, role: 'owner', emailVerifiedAt: null }).returning();
    return row!;
  }
}
