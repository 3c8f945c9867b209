import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessTokenClaims, principalFromAccessClaims, TokenService } from '@tenantry/auth';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { cookieValue } from '../http-edge/cookies';

/** Where the dashboard is served; its session cookie is scoped to this path. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'tenantry_queues';
/** A dashboard session lasts at most this long (and never longer than an access token). */
export const QUEUE_DASHBOARD_SESSION_MAX_TTL = 900;

export type DashboardVerdict =
  | { isAllowed: true; adminId: string }
  | { isAllowed: false; statusCode: 401 | 403; message: string };

const BEARER = /^Bearer\s+(\S+)$/i;


/**
 * Who may open the queue dashboard: a system admin presenting either
 * - `Authorization: Bearer <access token>`, verified exactly like the API's (same strategy code), or
 * - the `tenantry_queues` session cookie that `POST /v1/admin/queues/session` sets: a JWT signed and
 *   verified the same way whose `typ` the API refuses, HttpOnly, SameSite=Strict (so no other site
 *   can make a browser use it) and scoped to /admin/queues.
 * A bearer header, when present, decides alone. Tenant tokens and API keys never get in.
 */
@Injectable()
export class QueueDashboardAuth {
  constructor(private readonly tokens: TokenService) {}

  async check(request: Request): Promise<DashboardVerdict> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) return this.checkBearer(authorization);
    const session = cookieValue(request.headers.cookie, QUEUE_DASHBOARD_COOKIE);
    if (session !== undefined) return this.checkSession(session);
    return {
      isAllowed: false,
      statusCode: 401,
      message: 'A system-admin bearer token or a dashboard session (POST /v1/admin/queues/session) is required',
    };
  }

  private async checkBearer(authorization: string): Promise<DashboardVerdict> {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { isAllowed: false, statusCode: 401, message: 'Authorization must be "Bearer <token>"' };
    if (token.startsWith('sk_')) return { isAllowed: false, statusCode: 403, message: 'The queue dashboard is for system admins' };
    let principal;
    try {
      principal = principalFromAccessClaims((await this.tokens.verify(token)) as unknown as AccessTokenClaims);
    } catch {
      return { isAllowed: false, statusCode: 401, message: 'Invalid or expired token' };
    }
    if (principal.kind !== 'system_admin') return { isAllowed: false, statusCode: 403, message: 'The queue dashboard is for system admins' };
    return { isAllowed: true, adminId: principal.adminId };
  }

  private async checkSession(session: string): Promise<DashboardVerdict> {
    const expired: DashboardVerdict = { isAllowed: false, statusCode: 401, message: 'The dashboard session is invalid or expired; open a new one' };
    try {
      const claims = await this.tokens.verify(session);
      const isSession =
        typeof claims.exp === 'number' &&
        claims.typ === 'queue_dashboard' &&
        claims.role === 'system_admin' &&
        typeof claims.sub === 'string' &&
        UUID_PATTERN.test(claims.sub);
      return isSession ? { isAllowed: true, adminId: claims.sub as string } : expired;
    } catch {
      return expired;
    }
  }
}
