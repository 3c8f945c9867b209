import { randomSecret, sha256 } from '@tenantry/auth';

/**
 * The one-time tokens mailed to people: `<purpose>_<tenant id>.<secret>`. The prefix names the
 * purpose (an invitation token is never taken for a reset token), the tenant id lets the lookup
 * run inside that tenant's transaction (RLS: another tenant's id finds nothing), and only the
 * SHA-256 of the whole token is stored.
 */
export const TOKEN_PURPOSE_PREFIX = {
  invitation: 'inv',
  email_verification: 'ev',
  password_reset: 'pr',
} as const;
export type OneTimeTokenPurpose = keyof typeof TOKEN_PURPOSE_PREFIX;

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

export function newOneTimeToken(purpose: OneTimeTokenPurpose, tenantId: string): { token: string; hash: string } {
  const token = `${TOKEN_PURPOSE_PREFIX[purpose]}_${tenantId}.${randomSecret()}`;
  return { token, hash: sha256(token) };
}

/** The tenant and hash of a well-formed token of that purpose; undefined for anything else. */
export function parseOneTimeToken(purpose: OneTimeTokenPurpose, token: string): { tenantId: string; hash: string } | undefined {
  const match = new RegExp(`^${TOKEN_PURPOSE_PREFIX[purpose]}_${UUID}\\.[A-Za-z0-9_-]{43}$`).exec(token);
  return match ? { tenantId: match[1]!, hash: sha256(token) } : undefined;
}

/** A system admin's reset token: no tenant. */
export function newAdminResetToken(): { token: string; hash: string } {
  const token = `apr_${randomSecret()}`;
  return { token, hash: sha256(token) };
}

export const parseAdminResetToken = (token: string): { hash: string } | undefined =>
  /^apr_[A-Za-z0-9_-]{43}$/.test(token) ? { hash: sha256(token) } : undefined;
