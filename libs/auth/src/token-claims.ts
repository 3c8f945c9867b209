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
  /** The session (refresh-token family) the token was issued for; absent on impersonation tokens. */
  sid?: string;
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
/**
 * Claims of the token a password sign-in answers with when the account has a second factor. It has
 * its own `typ` and audience (`<JWT_AUDIENCE>:mfa`), so no route but the MFA step accepts it.
 */
export interface MfaChallengeClaims {
  sub: string;
  typ: 'mfa_challenge';
  /** The tenant; absent for a system admin's challenge. */
  tid?: string;
}

export const MFA_CHALLENGE_TTL_SECONDS = 300;

export interface QueueDashboardClaims {
  sub: string;
  typ: 'queue_dashboard';
  role: 'system_admin';
}
