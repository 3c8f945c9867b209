import { consoleLink, invitationMail, OutgoingMail } from '@tenantry/mail';

/** Invitations last 7 days from when they are sent (or sent again). */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** The invitation message with its accept link. */
export const invitationMessage = (appUrl: string, input: { email: string; role: string; token: string; expiresAt: Date }): OutgoingMail => ({
  kind: 'invitation',
  to: input.email,
  render: (branding) => invitationMail(branding, { link: consoleLink(appUrl, 'accept-invitation', input.token), role: input.role, expiresAt: input.expiresAt }),
});
