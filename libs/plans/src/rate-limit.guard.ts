import { CanActivate, ExecutionContext, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@tenantry/config';
import { TooManyRequestsException } from '@tenantry/errors';
import { Clock, CLOCK } from '@tenantry/metering';
import { quotaRejections, rateLimitRejections } from '@tenantry/metrics';
import { Principal, setRequestAccessVersion } from '@tenantry/tenancy';
import { FEATURE, LIMIT } from './config-names';
import { rateLimitState } from './rate-limit-state';
import { TenantRateLimiter } from './rate-limiter';
import { EffectiveConfigCache } from './effective-config.cache';

/** 429 of a tenant over its rate limit (Retry-After says when a token is back). */
export class RateLimitedException extends TooManyRequestsException {
  constructor(retryAfterSeconds: number) {
    super('rate_limited: this tenant made too many requests; retry later', retryAfterSeconds);
  }
}

/** 429 of a tenant over its monthly API calls, until the month resets (Retry-After says when). */
export class MonthlyQuotaExceededException extends TooManyRequestsException {
  constructor(limit: number, resetsAt: string, retryAfterSeconds: number) {
    super(`quota_exceeded: this tenant has used its ${limit} API calls of this month; the quota resets at ${resetsAt}`, retryAfterSeconds);
  }
}

/**
 * Every tenant request spends one token of its tenant's bucket before the tenant transaction
 * opens (so a limited request never holds a database connection), and every tenant response says
 * where the tenant stands: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset. A guard, the last
 * of the global ones (after authentication, access and features): it runs where an interceptor
 * did, before the tenant transaction's interceptor and before any pipe, without a layer of
 * Nest's interceptor pipeline per request.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly isMetering: boolean;

  constructor(
    private readonly limiter: TenantRateLimiter,
    private readonly limits: EffectiveConfigCache,
    @Inject(CLOCK) private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.isMetering = config.get('METERING_ENABLED');
  }

  // Synchronous for a request without a tenant: Nest awaits only the guards that return a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: Principal }>();
    const principal = request.user;
    if (principal?.kind !== 'tenant') return true;
    return this.check(principal.tenantId, request, http.getResponse<Response>()).then(() => true);
  }

  private async check(tenantId: string, request: Request, response: Response): Promise<void> {
    const config = await this.limits.get(tenantId);
    if (!config) return;
    const perMinute = config.limits[LIMIT.REQUESTS_PER_MINUTE];
    const hasMonthlyQuota = this.isMetering && config.limits[LIMIT.API_CALLS_PER_MONTH] !== undefined;
    if (perMinute === undefined && !hasMonthlyQuota) return;
    const decision = await this.limiter.consume(tenantId, perMinute, config.limits[LIMIT.REQUESTS_BURST] ?? perMinute ?? 0);
    const state = rateLimitState(response);
    state.decision = decision;
    // The tenant transaction's check may then be skipped while the tenant's access is unchanged.
    if (decision.accessVersion !== undefined) setRequestAccessVersion(request, decision.accessVersion);
    if (decision.isFailOpen && this.limiter.isFailOpenExhausted) {
      state.isRefused = true;
      throw new ServiceUnavailableException('Rate limiting is unavailable; retry shortly');
    }
    if (decision.isLimited) {
      response.setHeader('RateLimit-Limit', String(decision.limit));
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
      if (!decision.isAllowed) {
        rateLimitRejections.inc();
        state.isRefused = true;
        throw new RateLimitedException(decision.retryAfterSeconds);
      }
    }
    const now = this.clock.now();
    if (hasMonthlyQuota && decision.overQuotaUntil !== undefined && decision.overQuotaUntil > now) {
      const resetsAt = new Date(decision.overQuotaUntil).toISOString();
      if (config.features.includes(FEATURE.API_CALLS_OVERAGE)) {
        response.setHeader('Quota-Warning', `${LIMIT.API_CALLS_PER_MONTH} exceeded; the quota resets at ${resetsAt}`);
      } else {
        quotaRejections.inc();
        state.isRefused = true;
        throw new MonthlyQuotaExceededException(config.limits[LIMIT.API_CALLS_PER_MONTH]!, resetsAt, Math.ceil((decision.overQuotaUntil - now) / 1000));
      }
    }
  }
}
