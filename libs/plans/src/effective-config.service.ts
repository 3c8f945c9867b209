import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { plans, preparedQuery, tenants } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { EffectiveConfig, mergeEffectiveConfig } from './effective-config';

/** The tenant's plan, config overrides and settings: built once (the limits cache loads it on every miss). */
const tenantPlan = preparedQuery('plans.tenantPlan', (tx) =>
  tx
    .select({ plan: plans, config: tenants.config, settings: tenants.settings })
    .from(tenants)
    .innerJoin(plans, eq(plans.key, tenants.plan))
    .where(eq(tenants.id, sql.placeholder('tenantId'))),
);

/** The effective config of the tenant of the active tenant transaction. */
@Injectable()
export class EffectiveConfigService {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async current(): Promise<EffectiveConfig> {
    const config = await this.find();
    if (!config) throw new Error(`tenant ${this.tenantTransaction.tenantId} has no row or no plan`);
    return config;
  }

  /** Undefined when the tenant of the transaction does not exist (e.g. purged). */
  async find(): Promise<EffectiveConfig | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tenantPlan(tx, { tenantId });
    return row ? mergeEffectiveConfig(row.plan, row.config, row.settings) : undefined;
  }
}
