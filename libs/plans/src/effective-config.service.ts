import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { plans, tenants } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { EffectiveConfig, mergeEffectiveConfig } from './effective-config';

/** The effective config of the tenant of the active tenant transaction. */
@Injectable()
export class EffectiveConfigService {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async current(): Promise<EffectiveConfig> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ plan: plans, config: tenants.config, settings: tenants.settings })
      .from(tenants)
      .innerJoin(plans, eq(plans.key, tenants.plan))
      .where(eq(tenants.id, tenantId));
    if (!row) throw new Error(`tenant ${tenantId} has no row or no plan`);
    return mergeEffectiveConfig(row.plan, row.config, row.settings);
  }
}
