import { Injectable } from '@nestjs/common';
import { count, eq } from 'drizzle-orm';
import { projects, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** How much of each counted limit the current tenant uses. */
@Injectable()
export class QuotasRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async usage(): Promise<{ seats: number; projects: number }> {
    const { tx, tenantId } = this.tenantTransaction;
    const [[seatRow], [projectRow]] = await Promise.all([
      tx.select({ value: count() }).from(users).where(eq(users.tenantId, tenantId)),
      tx.select({ value: count() }).from(projects).where(eq(projects.tenantId, tenantId)),
    ]);
    return { seats: seatRow!.value, projects: projectRow!.value };
  }
}
