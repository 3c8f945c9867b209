import { configRows, flatten, limitsPatch, messagesFor } from './config-diff';

describe('effective config side by side', () => {
  const plan = { features: ['csv_export'], limits: { seats: 5, projects: 10 } };
  const overrides = { features: { sso: true, csv_export: false }, limits: { seats: 50 }, settings: { branding: { primaryColor: '#112233' } } };
  const effective = { features: ['sso'], limits: { seats: 50, projects: 10 }, settings: { branding: { primaryColor: '#112233' }, locale: 'en' } };

  it('puts plan default, override and result on one row per key', () => {
    const rows = configRows(plan, overrides, effective);
    expect(rows.filter((row) => row.section === 'features')).toEqual([
      { section: 'features', key: 'csv_export', plan: 'on', override: 'off', effective: 'off', isOverridden: true },
      { section: 'features', key: 'sso', plan: 'off', override: 'on', effective: 'on', isOverridden: true },
    ]);
    expect(rows.filter((row) => row.section === 'limits')).toEqual([
      { section: 'limits', key: 'projects', plan: '10', override: '—', effective: '10', isOverridden: false },
      { section: 'limits', key: 'seats', plan: '5', override: '50', effective: '50', isOverridden: true },
    ]);
    expect(rows.filter((row) => row.section === 'settings').map((row) => [row.key, row.override, row.effective])).toEqual([
      ['branding.primaryColor', '#112233', '#112233'],
      ['locale', '—', 'en'],
    ]);
  });

  it('shows dashes for a plan that no longer exists', () => {
    expect(configRows(undefined, {}, { features: ['sso'], limits: {}, settings: {} })[0]).toMatchObject({ plan: '—', effective: 'on' });
  });

  it('flattens nested settings', () => {
    expect(flatten({ a: { b: { c: 1 } }, d: [1], e: null })).toEqual({ 'a.b.c': 1, d: [1], e: null });
  });

  it('turns drafts into a patch: changes, clears, and leaves the rest out', () => {
    expect(limitsPatch({ seats: 50, projects: 3 }, { seats: '', projects: '3', api_calls_per_month: '1000', requests_burst: 'ten' })).toEqual({
      seats: null,
      api_calls_per_month: 1000,
      requests_burst: 'ten',
    });
    expect(limitsPatch(undefined, { seats: '' })).toEqual({});
  });

  it('finds the messages of one field', () => {
    const messages = ['limits.seats must be a non-negative integer', 'limits.projects must be a number', 'unknown key "x"'];
    expect(messagesFor(messages, 'limits.seats')).toEqual(['limits.seats must be a non-negative integer']);
    expect(messagesFor(['seats must be a non-negative integer'], 'limits.seats')).toEqual(['seats must be a non-negative integer']);
  });
});
