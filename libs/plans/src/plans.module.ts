import { Global, Module } from '@nestjs/common';
import { CountedLimits } from './counted-limits';
import { EffectiveConfigService } from './effective-config.service';
import { FeatureGuard } from './feature.guard';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { TenantRateLimiter } from './rate-limiter';
import { TenantConfigEvents } from './tenant-config-events';
import { EffectiveConfigCache } from './effective-config.cache';

@Global()
@Module({
  providers: [EffectiveConfigService, CountedLimits, EffectiveConfigCache, TenantConfigEvents, TenantRateLimiter, RateLimitInterceptor, FeatureGuard],
  exports: [EffectiveConfigService, CountedLimits, EffectiveConfigCache, TenantConfigEvents, TenantRateLimiter, RateLimitInterceptor, FeatureGuard],
})
export class PlansModule {}
