import { consoleLink, OutgoingMail, passwordResetMail } from '@tenantry/mail';

/** A reset link lasts 30 minutes and works once. */
export const RESET_TTL_MS = 30 * 60 * 1000;

export const passwordResetMessage = (appUrl: string, page: 'reset-password' | 'admin/reset-password', input: { email: string; token: string; expiresAt: Date }): OutgoingMail => ({
  kind: 'password_reset',
  to: input.email,
  render: (branding) => passwordResetMail(branding, { link: consoleLink(appUrl, page, input.token), expiresAt: input.expiresAt }),
});
