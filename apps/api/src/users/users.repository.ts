import { Injectable } from '@nestjs/common';
import { and, count, desc, eq } from 'drizzle-orm';
import { TenantRole, User, users, UserStatus } from '@tenantry/db';
import { TenantAccessVersions, TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

/**
 * The users of the current tenant. A change of a user's role or status, or its removal, bumps the
 * tenant's access version after commit: the per-request check reads them (TenantAccessVersions).
 */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly accessVersions: TenantAccessVersions,
  ) {}

  async list(limit: number, after: KeysetPosition | undefined): Promise<User[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(users)
      .where(
        and(
          eq(users.tenantId, tenantId),
          afterPosition(users.createdAt, users.id, after),
        ),
      )
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(limit + 1);
  }

  async find(id: string): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
    return rows[0];
  }

  /** Seats: active users (a deactivated one holds none). */
  async count(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ value: count() }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.status, 'active')));
    return row!.value;
  }

  /** Locks every active owner row: two concurrent demotions cannot both see "another owner remains". */
  async lockOwners(): Promise<string[]> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), eq(users.status, 'active')))
      .for('update');
    return rows.map((row) => row.id);
  }

  async create(values: { email: string; role: TenantRole; passwordHash: string | null }): Promise<User> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(users).values({ ...values, tenantId }).returning();
    return row!;
  }

  async updateRole(id: string, role: TenantRole): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    this.accessVersions.bumpAfterCommit();
    const [row] = await tx
      .update(users)
      .set({ role, updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
      .returning();
    return row;
  }

  async setStatus(id: string, status: UserStatus): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    this.accessVersions.bumpAfterCommit();
    const [row] = await tx
      .update(users)
      .set({ status, deactivatedAt: status === 'deactivated' ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
      .returning();
    return row;
  }

  async updateEmail(id: string, email: string): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.update(users).set({ email, updatedAt: new Date() }).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).returning();
    return row;
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.email, email)));
    return rows[0];
  }

  async remove(id: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    this.accessVersions.bumpAfterCommit();
    await tx.delete(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  }
}
