/** Who a message speaks for: the tenant's name, or its branding when it has some. */
export interface MailBranding {
  /** The tenant's display name (branding), else its name; the product's name for system mail. */
  displayName: string;
  /** `#rrggbb`; the product's colour when the tenant has none. */
  primaryColor: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_BRANDING: MailBranding = { displayName: 'tenantry', primaryColor: '#1f2937' };

const COLOR = /^#[0-9a-f]{6}$/i;

/** The branding a tenant's settings give, each part checked again (a message never trusts stored values). */
export function brandingOf(tenant: { name: string; settings: Record<string, unknown> }): MailBranding {
  const branding = (tenant.settings.branding ?? {}) as { displayName?: unknown; primaryColor?: unknown };
  const displayName = typeof branding.displayName === 'string' && branding.displayName.trim() ? branding.displayName.trim() : tenant.name;
  const primaryColor = typeof branding.primaryColor === 'string' && COLOR.test(branding.primaryColor) ? branding.primaryColor : DEFAULT_BRANDING.primaryColor;
  return { displayName: displayName.slice(0, 100), primaryColor };
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Subject and header lines never carry a line break (no header injection through a tenant name). */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

interface Layout {
  heading: string;
  paragraphs: string[];
  action: { label: string; url: string };
  footnote: string;
}

function render(branding: MailBranding, subject: string, layout: Layout): RenderedMail {
  const text = [
    layout.heading,
    '',
    ...layout.paragraphs.flatMap((paragraph) => [paragraph, '']),
    `${layout.action.label}: ${layout.action.url}`,
    '',
    layout.footnote,
    '',
    `-- ${branding.displayName}`,
    '',
  ].join('\n');
  const color = branding.primaryColor;
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="background:${color};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600">${escapeHtml(branding.displayName)}</td></tr>
<tr><td style="padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(layout.heading)}</h1>
${layout.paragraphs.map((paragraph) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(paragraph)}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${escapeHtml(layout.action.url)}" style="background:${color};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(layout.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;word-break:break-all">${escapeHtml(layout.action.url)}</p>
<p style="margin:0;font-size:13px;color:#6b7280">${escapeHtml(layout.footnote)}</p>
</td></tr></table>
</body></html>
`;
  return { subject: oneLine(subject), text, html };
}

const day = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function invitationMail(branding: MailBranding, input: { link: string; role: string; expiresAt: Date }): RenderedMail {
  return render(branding, `You are invited to ${branding.displayName}`, {
    heading: `Join ${branding.displayName}`,
    paragraphs: [`You have been invited to ${branding.displayName} as ${input.role}.`, 'Follow the link to choose a password and sign in.'],
    action: { label: 'Accept the invitation', url: input.link },
    footnote: `The link works once and expires on ${day(input.expiresAt)}. If you did not expect this invitation, ignore this message.`,
  });
}

export function emailVerificationMail(branding: MailBranding, input: { link: string; expiresAt: Date }): RenderedMail {
  return render(branding, `Verify your email address for ${branding.displayName}`, {
    heading: 'Verify your email address',
    paragraphs: [`Welcome to ${branding.displayName}. Confirm that this address is yours to finish signing up.`],
    action: { label: 'Verify the address', url: input.link },
    footnote: `The link works once and expires on ${day(input.expiresAt)}. If you did not sign up, ignore this message.`,
  });
}

export function passwordResetMail(branding: MailBranding, input: { link: string; expiresAt: Date }): RenderedMail {
  return render(branding, `Reset your ${branding.displayName} password`, {
    heading: 'Reset your password',
    paragraphs: [`Someone asked to reset the password of this address at ${branding.displayName}.`, 'Follow the link to choose a new one; every signed-in session is then signed out.'],
    action: { label: 'Choose a new password', url: input.link },
    footnote: `The link works once and expires on ${day(input.expiresAt)}. If you did not ask for this, ignore this message: your password stays as it is.`,
  });
}

export function webhookDisabledMail(branding: MailBranding, input: { url: string; failingSince: Date; link: string }): RenderedMail {
  return render(branding, `A webhook endpoint of ${branding.displayName} was disabled`, {
    heading: 'A webhook endpoint was disabled',
    paragraphs: [
      `No delivery to ${input.url} has succeeded since ${day(input.failingSince)}, so it receives no more events.`,
      'Once the receiver answers again, enable the endpoint (PATCH /v1/webhooks/:id with enabled: true) and replay the deliveries it missed.',
    ],
    action: { label: 'Open the console', url: input.link },
    footnote: 'You receive this because you are an owner of this tenant.',
  });
}
