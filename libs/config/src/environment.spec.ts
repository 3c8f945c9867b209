import { DEV_JWT_SECRET, InvalidEnvironmentError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('fills every default', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 3000, REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: DEV_JWT_SECRET, ACCESS_TOKEN_TTL: 900 });
  });

  it('names every bad variable on a line of its own', () => {
    try {
      validateEnvironment({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ACCESS_TOKEN_TTL: '0' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      const problems = (error as InvalidEnvironmentError).problems;
      expect(problems.some((p) => p.startsWith('PORT'))).toBe(true);
      expect(problems.some((p) => p.startsWith('DATABASE_URL'))).toBe(true);
      expect(problems.some((p) => p.startsWith('ACCESS_TOKEN_TTL'))).toBe(true);
    }
  });

  it('refuses the development JWT secret, a missing database and a missing master key ring in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: the development default is refused/);
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/);
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/MASTER_KEYS: required in production/);
    expect(() =>
      validateEnvironment({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        DATABASE_URL: 'postgres://a@h/db',
        SYSTEM_DATABASE_URL: 'postgres://b@h/db',
        MASTER_KEYS: `v2:${Buffer.alloc(32, 2).toString('base64')},v1:${Buffer.alloc(32, 1).toString('base64')}`,
        SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      }),
    ).not.toThrow();
  });

  it('refuses production without SMTP_URL unless mail is knowingly disabled', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://a@h/db',
      SYSTEM_DATABASE_URL: 'postgres://b@h/db',
      MASTER_KEYS: `v1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    expect(() => validateEnvironment(production)).toThrow(/SMTP_URL: required in production/);
    expect(() => validateEnvironment({ ...production, MAIL_DISABLED: 'true' })).not.toThrow();
    expect(() => validateEnvironment({ SMTP_URL: 'http://smtp.example.com' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(validateEnvironment({})).toMatchObject({ MAIL_DIR: '.data/mail', MAIL_DISABLED: false, SIGNUP_ENABLED: true, SIGNUP_PLAN: 'free' });
  });

  it('refuses a malformed master key ring', () => {
    expect(() => validateEnvironment({ MASTER_KEYS: 'v1:short' })).toThrow(/MASTER_KEYS must be v<number>:<base64 of 32 bytes>/);
    expect(() => validateEnvironment({ MASTER_KEYS: `v1:${Buffer.alloc(32).toString('base64')};v2` })).toThrow(/MASTER_KEYS/);
    expect(validateEnvironment({ MASTER_KEYS: `v1:${Buffer.alloc(32).toString('base64')}` }).MASTER_KEYS).toMatch(/^v1:/);
  });
});
