import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { Invitation, invitations, InvitationStatus, TenantRole, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

/** Every query of the invitations capability, in the current tenant transaction. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(status: InvitationStatus | undefined, limit: number, after: KeysetPosition | undefined): Promise<Invitation[]> {
    const { tx, tenantId } = this.tenantTransaction;
    const byStatus =
      status === 'pending'
        ? and(eq(invitations.status, 'pending'), gt(invitations.expiresAt, sql`now()`))
        : status === 'expired'
          ? or(eq(invitations.status, 'expired'), and(eq(invitations.status, 'pending'), lte(invitations.expiresAt, sql`now()`)))
          : status
            ? eq(invitations.status, status)
            : undefined;
    return tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.tenantId, tenantId), byStatus, afterPosition(invitations.createdAt, invitations.id, after)))
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(limit + 1);
  }

  async find(id: string): Promise<Invitation | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select().from(invitations).where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id))).for('update');
    return row;
  }

  async findByTokenHash(hash: string, options: { forUpdate?: boolean } = {}): Promise<Invitation | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const query = tx.select().from(invitations).where(and(eq(invitations.tenantId, tenantId), eq(invitations.tokenHash, hash)));
    const [row] = options.forUpdate ? await query.for('update') : await query;
    return row;
  }

  async userWithEmail(email: string): Promise<{ id: string; passwordHash: string | null } | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.email, email)));
    return row;
  }

  /** A pending invitation past its expiry reads as expired: marked so, it no longer blocks a new one. */
  async expirePendingFor(email: string): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx
      .update(invitations)
      .set({ status: 'expired', updatedAt: new Date() })
      .where(and(eq(invitations.tenantId, tenantId), eq(invitations.email, email), eq(invitations.status, 'pending'), lte(invitations.expiresAt, sql`now()`)));
  }

  async countUsers(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ value: count() }).from(users).where(eq(users.tenantId, tenantId));
    return row!.value;
  }

  /** Seats held by invitations: pending, unexpired, for someone who is not a user yet. */
  async countHoldingSeats(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ value: count() })
      .from(invitations)
      .where(and(eq(invitations.tenantId, tenantId), eq(invitations.status, 'pending'), isNull(invitations.userId), gt(invitations.expiresAt, sql`now()`)));
    return row!.value;
  }

  async create(values: { email: string; role: TenantRole; tokenHash: string; expiresAt: Date; userId: string | null; invitedBy: string | null }): Promise<Invitation> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(invitations).values({ ...values, tenantId }).returning();
    return row!;
  }

  async update(id: string, changes: Partial<Pick<Invitation, 'status' | 'tokenHash' | 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'userId'>>): Promise<Invitation> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(invitations)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id)))
      .returning();
    return row!;
  }

  /** The invited user's password (an existing, passwordless user), and its address proven. */
  async setPasswordOfInvitedUser(userId: string, passwordHash: string) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenantId), eq(users.id, userId), isNull(users.passwordHash)))
      .returning();
    return row;
  }

  async createUser(values: { email: string; role: TenantRole; passwordHash: string }) {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(users).values({ ...values, tenantId, emailVerifiedAt: new Date() }).returning();
    return row!;
  }
}
