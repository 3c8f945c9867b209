import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '@tenantry/config';

/**
 * CSRF protection of the cookie routes, on top of SameSite=Strict: the browser must say the
 * request comes from this API's own origin (`Origin`, which every browser sends on a POST), and,
 * where it sends one, `Sec-Fetch-Site` must be `same-origin`. A request without `Origin` is not
 * a browser page of ours, so it is refused too.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new ForbiddenException('Cross-site requests to the console session routes are refused');
    const origin = request.headers.origin;
    if (!origin) throw new ForbiddenException('The console session routes need an Origin header');
    if (!this.allowedOrigins(request).has(origin)) throw new ForbiddenException(`Origin ${origin} may not use the console session routes`);
    return true;
  }

  private allowedOrigins(request: Request): Set<string> {
    const origins = new Set<string>([new URL(this.config.get('PUBLIC_URL')).origin]);
    // The host the browser reached; with TRUST_PROXY set, `protocol` and `host` are the client's (X-Forwarded-*).
    if (request.host) origins.add(`${request.protocol}://${request.host}`);
    return origins;
  }
}
