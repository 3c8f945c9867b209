import { pick, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('drops secret fields at every depth and keeps the rest', () => {
    expect(
      redactSecrets({
        name: 'x',
        password: 'p',
        passwordHash: 'h',
        key: 'sk_1',
        prefix: 'sk_abc',
        nested: { refreshToken: 't', keyHash: 'k', clientSecret: 's', ok: 1 },
        list: [{ accessToken: 'a', id: 2 }],
        at: new Date('2026-01-01T00:00:00Z'),
      }),
    ).toEqual({ name: 'x', prefix: 'sk_abc', nested: { ok: 1 }, list: [{ id: 2 }], at: '2026-01-01T00:00:00.000Z' });
  });

  it('picks only the named keys that exist', () => {
    expect(pick({ a: 1, b: 2 }, ['a', 'c'])).toEqual({ a: 1 });
    expect(pick(undefined, ['a'])).toBeUndefined();
  });
});
