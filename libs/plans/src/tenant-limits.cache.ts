import { Injectable } from '@nestjs/common';
import { TenantTransaction } from '@tenantry/tenancy';
import { EffectiveConfig } from './effective-config';
import { EffectiveConfigService } from './effective-config.service';

const MAX_AGE_MS = 1000;

/**
 * Effective configs by tenant, at most one second old: the rate limiter and feature gates read
 * them before the request's transaction opens, and a plan change still bites within a second.
 * A miss loads the config in a short transaction of its own.
 */
@Injectable()
export class TenantLimitsCache {
  private readonly entries = new Map<string, { config: EffectiveConfig; loadedAt: number }>();

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly effectiveConfig: EffectiveConfigService,
  ) {}

  /** Undefined for a tenant that does not exist; the tenant interceptor then answers 401. */
  async get(tenantId: string): Promise<EffectiveConfig | undefined> {
    const entry = this.entries.get(tenantId);
    if (entry && Date.now() - entry.loadedAt < MAX_AGE_MS) return entry.config;
    const config = await this.tenantTransaction.run({ tenantId }, () => this.effectiveConfig.find());
    if (!config) return undefined;
    if (this.entries.size > 10000) this.entries.clear();
    this.entries.set(tenantId, { config, loadedAt: Date.now() });
    return config;
  }
}
