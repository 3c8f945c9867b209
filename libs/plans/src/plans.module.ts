import { Global, Module } from '@nestjs/common';
import { CountedLimits } from './counted-limits';
import { EffectiveConfigService } from './effective-config.service';
import { FeatureGuard } from './feature.guard';
import { RateLimitGuard } from './rate-limit.guard';
import { TenantRateLimiter } from './rate-limiter';
import { TenantConfigEvents } from './tenant-config-events';
import { TenantLimitsCache } from './tenant-limits.cache';

@Global()
@Module({
  providers: [EffectiveConfigService, CountedLimits, TenantLimitsCache, TenantConfigEvents, TenantRateLimiter, RateLimitGuard, FeatureGuard],
  exports: [EffectiveConfigService, CountedLimits, TenantLimitsCache, TenantConfigEvents, TenantRateLimiter, RateLimitGuard, FeatureGuard],
})
export class PlansModule {}
