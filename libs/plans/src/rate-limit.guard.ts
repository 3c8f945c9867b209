import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@tenantry/config';
import { API_CALLS_QUOTA, Clock, CLOCK, QUOTA_OVERAGE_FEATURE } from '@tenantry/metering';
import { quotaRejections, rateLimitRejections } from '@tenantry/metrics';
import type { Principal } from '@tenantry/tenancy';
import { TenantRateLimiter } from './rate-limiter';
import { TenantLimitsCache } from './tenant-limits.cache';

/** 429 that carries Retry-After (the exception filter writes the header). */
export class RateLimitedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: 'rate_limited: this tenant made too many requests; retry later' },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 429 of a tenant over its monthly API calls, until the month resets (Retry-After says when). */
export class MonthlyQuotaExceededException extends HttpException {
  constructor(
    limit: number,
    resetsAt: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `quota_exceeded: this tenant has used its ${limit} API calls of this month; the quota resets at ${resetsAt}`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
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
    private readonly limits: TenantLimitsCache,
    @Inject(CLOCK) private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.isMetering = config.get('METERING_ENABLED');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<Request & { user?: Principal }>().user;
    if (principal?.kind === 'tenant') await this.check(principal.tenantId, http.getResponse<Response>());
    return true;
  }

  private async check(tenantId: string, response: Response): Promise<void> {
    const config = await this.limits.get(tenantId);
    if (!config) return;
    const perMinute = config.limits.requests_per_minute;
    const hasMonthlyQuota = this.isMetering && config.limits[API_CALLS_QUOTA] !== undefined;
    if (perMinute === undefined && !hasMonthlyQuota) return;
    const decision = await this.limiter.consume(tenantId, perMinute, config.limits.requests_burst ?? perMinute ?? 0);
    response.locals.rateLimit = decision;
    if (decision.isFailOpen && this.limiter.isFailOpenExhausted) {
      response.locals.isRefusedByLimits = true;
      throw new ServiceUnavailableException('Rate limiting is unavailable; retry shortly');
    }
    if (decision.isLimited) {
      response.setHeader('RateLimit-Limit', String(decision.limit));
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
      if (!decision.isAllowed) {
        rateLimitRejections.inc();
        response.locals.isRefusedByLimits = true;
        throw new RateLimitedException(decision.retryAfterSeconds);
      }
    }
    const now = this.clock.now();
    if (hasMonthlyQuota && decision.overQuotaUntil !== undefined && decision.overQuotaUntil > now) {
      const resetsAt = new Date(decision.overQuotaUntil).toISOString();
      if (config.features.includes(QUOTA_OVERAGE_FEATURE)) {
        response.setHeader('Quota-Warning', `${API_CALLS_QUOTA} exceeded; the quota resets at ${resetsAt}`);
      } else {
        quotaRejections.inc();
        response.locals.isRefusedByLimits = true;
        throw new MonthlyQuotaExceededException(config.limits[API_CALLS_QUOTA]!, resetsAt, Math.ceil((decision.overQuotaUntil - now) / 1000));
      }
    }
  }
}
