import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS, withTimeout } from '@tenantry/redis';
import { EffectiveConfigCache, tenantConfigChannel } from './effective-config.cache';

const PUBLISH_TIMEOUT_MS = 1000;

/**
 * Says that a tenant's effective config changed (or every tenant's, `*`, when a plan changed), so
 * that every API process drops its cached copy. Call it after the change has committed. This
 * process's entry is dropped at once; the others hear it through Redis. Never throws: should Redis
 * be down the change is logged and the cache's bounded lifetime holds.
 */
@Injectable()
export class TenantConfigEvents {
  private readonly logger = new Logger(TenantConfigEvents.name);

  constructor(
    private readonly cache: EffectiveConfigCache,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async publishChanged(tenantId: string | '*'): Promise<void> {
    this.cache.invalidate(tenantId);
    try {
      await withTimeout(this.redis.publish(tenantConfigChannel(this.config), tenantId), PUBLISH_TIMEOUT_MS, 'Redis');
    } catch (error) {
      this.logger.warn(`could not publish the config change of ${tenantId} (${(error as Error).message}); other processes see it within their cache lifetime`);
    }
  }

  /** The same, for every tenant: a plan in the catalogue changed. */
  publishAllChanged(): Promise<void> {
    return this.publishChanged('*');
  }
}
