import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { rateLimitRejections } from '@tenantry/metrics';
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

/**
 * Every tenant request spends one token of its tenant's bucket before the tenant transaction
 * opens (so a limited request never holds a database connection), and every tenant response says
 * where the tenant stands: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: TenantRateLimiter,
    private readonly limits: TenantLimitsCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const principal = http.getRequest<Request & { user?: Principal }>().user;
    if (principal?.kind !== 'tenant') return next.handle();
    const response = http.getResponse<Response>();
    return from(this.check(principal.tenantId, response)).pipe(switchMap(() => next.handle()));
  }

  private async check(tenantId: string, response: Response): Promise<void> {
    const config = await this.limits.get(tenantId);
    const perMinute = config?.limits.requests_per_minute;
    if (perMinute === undefined) return;
    const decision = await this.limiter.consume(tenantId, perMinute, config!.limits.requests_burst ?? perMinute);
    response.locals.rateLimit = decision;
    if (decision.isFailOpen && this.limiter.isFailOpenExhausted) {
      throw new ServiceUnavailableException('Rate limiting is unavailable; retry shortly');
    }
    response.setHeader('RateLimit-Limit', String(decision.limit));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.isAllowed) {
      rateLimitRejections.inc();
      throw new RateLimitedException(decision.retryAfterSeconds);
    }
  }
}
