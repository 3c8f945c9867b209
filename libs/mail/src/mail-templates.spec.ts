import { brandingOf, DEFAULT_BRANDING, invitationMail } from './mail-templates';

describe('mail templates', () => {
  it("use the tenant's display name and colour, and fall back to its name and the product colour", () => {
    expect(brandingOf({ name: 'Acme Inc.', settings: { branding: { displayName: 'Acme', primaryColor: '#ff0000' } } })).toEqual({ displayName: 'Acme', primaryColor: '#ff0000' });
    expect(brandingOf({ name: 'Acme Inc.', settings: {} })).toEqual({ displayName: 'Acme Inc.', primaryColor: DEFAULT_BRANDING.primaryColor });
    expect(brandingOf({ name: 'Acme', settings: { branding: { primaryColor: 'red;background:url(x)' } } }).primaryColor).toBe(DEFAULT_BRANDING.primaryColor);
  });

  it('escape what a tenant controls in HTML and keep the subject on one line', () => {
    const mail = invitationMail({ displayName: '<b>Evil</b>\r\nBcc: x@y', primaryColor: '#123456' }, {
      link: 'http://localhost:3000/console/accept-invitation?token=a&b=1',
      role: 'member',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<b>Evil</b>');
    expect(mail.html).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    expect(mail.html).toContain('token=a&amp;b=1');
    expect(mail.html).toContain('background:#123456');
    expect(mail.text).toContain('http://localhost:3000/console/accept-invitation?token=a&b=1');
  });
});
