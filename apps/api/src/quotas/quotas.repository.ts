import { Injectable } from '@nestjs/common';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { invitations, projects, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** How much of each counted limit the current tenant uses. */
@Injectable()
export class QuotasRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async usage(): Promise<{ seats: number; projects: number }> {
    const { tx, tenantId } = this.tenantTransaction;
    const [[seatRow], [invitedRow], [projectRow]] = await Promise.all([
      tx.select({ value: count() }).from(users).where(eq(users.tenantId, tenantId)),
      // A pending invitation for someone who is not a user yet holds a seat.
      tx
        .select({ value: count() })
        .from(invitations)
        .where(and(eq(invitations.tenantId, tenantId), eq(invitations.status, 'pending'), isNull(invitations.userId), gt(invitations.expiresAt, sql`now()`))),
      tx.select({ value: count() }).from(projects).where(eq(projects.tenantId, tenantId)),
    ]);
    return { seats: seatRow!.value + invitedRow!.value, projects: projectRow!.value };
  }
}
