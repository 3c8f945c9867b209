import { consoleLink, emailVerificationMail, OutgoingMail } from '@tenantry/mail';

/** A verification link lasts a day. */
export const VERIFICATION_TTL_MS = 24 * 3600 * 1000;

export const verificationMessage = (appUrl: string, input: { email: string; token: string; expiresAt: Date }): OutgoingMail => ({
  kind: 'email_verification',
  to: input.email,
  render: (branding) => emailVerificationMail(branding, { link: consoleLink(appUrl, 'verify-email', input.token), expiresAt: input.expiresAt }),
});
