import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessTokenClaims, principalFromAccessClaims, TokenService } from '@tenantry/auth';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { SystemAdminPresence } from '../admin/system-admin-presence.guard';
import { cookieValue } from '../http-edge/cookies';

/** Where the dashboard is served; its session cookie is scoped to this path. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'tenantry_queues';
/** A dashboard session lasts at most this long (and never longer than an access token). */
export const QUEUE_DASHBOARD_SESSION_MAX_TTL = 900;

export type DashboardVerdict =
  | { isAllowed: true; adminId: string }
  | { isAllowed: false; statusCode: 401 | 403; message: string };

/** Who a credential names, before the admin's presence is checked. */
type CredentialVerdict = { isAllowed: true; adminId: string; sessionId?: string } | Extract<DashboardVerdict, { isAllowed: false }>;

const BEARER = /^Bearer\s+(\S+)$/i;


/**
 * Who may open the queue dashboard: a system admin presenting either
 * - `Authorization: Bearer <access token>`, verified exactly like the API's (same strategy code), or
 * - the `tenantry_queues` session cookie that `POST /v1/admin/queues/session` sets: a JWT signed and
 *   verified the same way whose `typ` the API refuses, HttpOnly, SameSite=Strict (so no other site
 *   can make a browser use it) and scoped to /admin/queues.
 * A bearer header, when present, decides alone. Tenant tokens and API keys never get in. Either
 * is honoured only as the API honours an admin's token (SystemAdminPresence): while the admin
 * exists, its sign-in is not signed out and, with SYSTEM_ADMIN_REQUIRE_MFA, it has a factor.
 */
@Injectable()
export class QueueDashboardAuth {
  constructor(
    private readonly tokens: TokenService,
    private readonly presence: SystemAdminPresence,
  ) {}

  async check(request: Request): Promise<DashboardVerdict> {
    const verdict = await this.checkCredential(request);
    if (!verdict.isAllowed) return verdict;
    const problem = await this.presence.problem(verdict.adminId, verdict.sessionId, { isAllowedWithoutMfa: false });
    return problem ? { isAllowed: false, ...problem } : { isAllowed: true, adminId: verdict.adminId };
  }

  private async checkCredential(request: Request): Promise<CredentialVerdict> {
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

  private async checkBearer(authorization: string): Promise<CredentialVerdict> {
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
    return { isAllowed: true, adminId: principal.adminId, sessionId: principal.sessionId };
  }

  private async checkSession(session: string): Promise<CredentialVerdict> {
    const expired: CredentialVerdict = { isAllowed: false, statusCode: 401, message: 'The dashboard session is invalid or expired; open a new one' };
    try {
      const claims = await this.tokens.verify(session);
      const isSession =
        typeof claims.exp === 'number' &&
        claims.typ === 'queue_dashboard' &&
        claims.role === 'system_admin' &&
        typeof claims.sub === 'string' &&
        UUID_PATTERN.test(claims.sub) &&
        (claims.sid === undefined || (typeof claims.sid === 'string' && UUID_PATTERN.test(claims.sid)));
      return isSession ? { isAllowed: true, adminId: claims.sub as string, sessionId: claims.sid as string | undefined } : expired;
    } catch {
      return expired;
    }
  }
}
