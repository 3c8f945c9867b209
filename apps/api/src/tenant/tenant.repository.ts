import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { tenants } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

/** The current tenant's own row: the app role may read it and update its settings only. */
@Injectable()
export class TenantRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async settingsForUpdate(): Promise<Record<string, unknown>> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
    return row?.settings ?? {};
  }

  async saveSettings(settings: Record<string, unknown>): Promise<void> {
    const { tx, tenantId } = this.tenantTransaction;
    await tx.update(tenants).set({ settings, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
  }
}
