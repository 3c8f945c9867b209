import type { TenantRole } from '@tenantry/db';

export const ACCESS_TOKEN_ALGORITHM = 'HS256';

/** Claims of an access token (iat, exp, iss, aud are added by the signer). */
export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  role: TenantRole | 'system_admin';
  /** The tenant; absent on system-admin tokens. */
  tid?: string;
  /** The impersonating system admin, on impersonation tokens. */
  act?: { sub: string };
}

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface TokenPair extends AccessToken {
  refreshToken: string;
}

/**
 * Claims of a queue dashboard session (the cookie of /admin/queues): a system admin's, with a
 * `typ` the API's access-token verifier refuses, so the cookie is no API credential.
 */
export interface QueueDashboardClaims {
  sub: string;
  typ: 'queue_dashboard';
  role: 'system_admin';
}
