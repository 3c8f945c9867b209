import { settingsProblems } from './config-validation';

describe('settingsProblems', () => {
  it('accepts valid settings', () => {
    expect(
      settingsProblems(
        { locale: 'de-CH', timezone: 'Europe/Berlin', branding: { displayName: 'Acme', logoUrl: 'https://cdn.example.com/l.png', primaryColor: '#1a2B3c' } },
        'settings',
        false,
      ),
    ).toEqual([]);
  });

  it('names each bad or unknown key', () => {
    const problems = settingsProblems(
      { locale: '??', timezone: 'Mars/Olympus', branding: { primaryColor: 'red', logoUrl: 'http://x', font: 'x' }, theme: 'dark' },
      'settings',
      false,
    );
    expect(problems).toEqual([
      'settings.locale must be a locale such as en or de-CH',
      'settings.timezone must be an IANA time zone such as Europe/Berlin',
      'settings.branding.primaryColor must be a colour as #rrggbb',
      'settings.branding.logoUrl must be an https URL',
      'settings.branding.font is not a known setting (displayName, logoUrl, primaryColor)',
      'settings.theme is not a known setting (branding, locale, timezone, security)',
    ]);
  });

  it('lets null remove a key only where removal is allowed', () => {
    expect(settingsProblems({ locale: null }, 'settings', true)).toEqual([]);
    expect(settingsProblems({ locale: null }, 'settings', false)).toHaveLength(1);
  });
});
