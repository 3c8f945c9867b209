import { SetMetadata } from '@nestjs/common';

export const ALLOWED_WITHOUT_MFA = 'tenantry:allowedWithoutMfa';

/**
 * Routes a user (or system admin) who must enrol MFA may still call: who they are and their own
 * account, enrolment included. Everything else answers 403 until they have enrolled.
 */
export const AllowedWithoutMfa = () => SetMetadata(ALLOWED_WITHOUT_MFA, true);

/** The tenant setting `security.requireMfa`. */
export const isMfaRequired = (settings: Record<string, unknown>): boolean =>
  (settings.security as { requireMfa?: unknown } | undefined)?.requireMfa === true;

export const MFA_ENROLMENT_REQUIRED = 'This tenant requires multi-factor authentication: enrol a TOTP authenticator with POST /v1/me/mfa/totp first';
export const ADMIN_MFA_ENROLMENT_REQUIRED =
  'System admins must use multi-factor authentication (SYSTEM_ADMIN_REQUIRE_MFA): enrol a TOTP authenticator with POST /v1/admin/me/mfa/totp first';
