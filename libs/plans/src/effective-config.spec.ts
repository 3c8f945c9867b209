import { deepMerge, mergeEffectiveConfig } from './effective-config';

describe('mergeEffectiveConfig', () => {
  const plan = { key: 'pro', features: ['csv_export', 'sso'], limits: { seats: 25, projects: 100 } };

  it('starts from the plan', () => {
    const config = mergeEffectiveConfig(plan, {});
    expect(config).toMatchObject({ plan: 'pro', features: ['csv_export', 'sso'], limits: { seats: 25, projects: 100 } });
    expect(config.settings).toMatchObject({ locale: 'en', timezone: 'UTC' });
  });

  it('toggles features, replaces limits and layers settings', () => {
    const config = mergeEffectiveConfig(
      plan,
      { features: { sso: false, audit_export: true }, limits: { seats: 40 }, settings: { locale: 'de' } },
      { timezone: 'Europe/Berlin', branding: { primaryColor: '#112233' } },
    );
    expect(config.features).toEqual(['audit_export', 'csv_export']);
    expect(config.limits).toEqual({ seats: 40, projects: 100 });
    expect(config.settings).toMatchObject({
      locale: 'de',
      timezone: 'Europe/Berlin',
      branding: { displayName: null, logoUrl: null, primaryColor: '#112233' },
    });
  });
});

describe('deepMerge', () => {
  it('merges nested objects, replaces arrays and removes keys set to null', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1], e: 1 }, { a: { c: 3 }, d: [2], e: null })).toEqual({ a: { b: 1, c: 3 }, d: [2] });
  });
});
