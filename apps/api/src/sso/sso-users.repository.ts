import { Injectable } from '@nestjs/common';
import { and, count, eq, sql } from 'drizzle-orm';
import { SsoIdentity, ssoIdentities, TenantRole, User, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** Users and their SSO identities, as sign-in and provisioning need them. */
@Injectable()
export class SsoUsersRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async findIdentity(connectionId: string, subject: string): Promise<SsoIdentity | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select()
      .from(ssoIdentities)
      .where(and(eq(ssoIdentities.tenantId, tenantId), eq(ssoIdentities.connectionId, connectionId), eq(ssoIdentities.subject, subject)));
    return row;
  }

  async createIdentity(values: { connectionId: string; subject: string; userId: string; email: string | null }): Promise<SsoIdentity> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(ssoIdentities).values({ ...values, tenantId, lastLoginAt: sql`now()` }).returning();
    return row!;
  }

  async touchIdentity(id: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.update(ssoIdentities).set({ lastLoginAt: sql`now()` }).where(and(eq(ssoIdentities.tenantId, tenantId), eq(ssoIdentities.id, id)));
  }

  async findUser(id: string): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
    return row;
  }

  async findUserByEmail(email: string): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.email, email)));
    return row;
  }

  /** Seats: active users (a deactivated one holds none). */
  async countUsers(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ value: count() }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.status, 'active')));
    return row!.value;
  }

  /** A provisioned user has no password: it signs in through its identity provider. */
  async createUser(email: string, role: TenantRole): Promise<User> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(users).values({ tenantId, email, role, passwordHash: null }).returning();
    return row!;
  }
}
