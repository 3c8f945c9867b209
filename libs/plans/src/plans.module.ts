import { Global, Module } from '@nestjs/common';
import { CountedLimits } from './counted-limits';
import { EffectiveConfigService } from './effective-config.service';
import { FeatureGuard } from './feature.guard';
import { RateLimitGuard } from './rate-limit.guard';
import { TenantRateLimiter } from './rate-limiter';
import { TenantConfigEvents } from './tenant-config-events';
import { EffectiveConfigCache } from './effective-config.cache';

@Global()
@Module({
  providers: [EffectiveConfigService, CountedLimits, EffectiveConfigCache, TenantConfigEvents, TenantRateLimiter, RateLimitGuard, FeatureGuard],
  exports: [EffectiveConfigService, CountedLimits, EffectiveConfigCache, TenantConfigEvents, TenantRateLimiter, RateLimitGuard, FeatureGuard],
})
export class PlansModule {}
