import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@tenantry/tenancy';
import { EffectiveConfigCache } from './effective-config.cache';

export const REQUIRED_FEATURE = 'tenantry:requiredFeature';

/** The route exists only for tenants whose effective config has this feature. */
export const RequireFeature = (feature: string) => SetMetadata(REQUIRED_FEATURE, feature);

/** 403 naming the feature and the plan when the tenant's effective config lacks the feature. */
@Injectable()
export class FeatureGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: EffectiveConfigCache,
  ) {}

  // Synchronous on routes that require no feature: Nest awaits only the guards that return a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const feature = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_FEATURE, [context.getHandler(), context.getClass()]);
    if (!feature) return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal?.kind !== 'tenant') return false;
    return this.hasFeature(principal.tenantId, feature);
  }

  private async hasFeature(tenantId: string, feature: string): Promise<boolean> {
    const config = await this.limits.get(tenantId);
    if (!config) throw new UnauthorizedException('Unknown tenant');
    if (!config.features.includes(feature)) {
      throw new ForbiddenException(`The ${feature} feature is not part of the ${config.plan} plan`);
    }
    return true;
  }
}
