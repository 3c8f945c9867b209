import { validateEnvironment } from '@tenantry/config';
import { migrationTarget, redactUrl } from './migration-target';

const target = (raw: Record<string, string>) => migrationTarget(validateEnvironment(raw, { serving: false }));

describe('migrationTarget', () => {
  it('takes MIGRATION_DATABASE_URL whenever it is set', () => {
    expect(target({ NODE_ENV: 'production', MIGRATION_DATABASE_URL: 'postgres://owner@db/tenantry' })).toEqual({ url: 'postgres://owner@db/tenantry', embedded: false });
    expect(target({ MIGRATION_DATABASE_URL: 'postgres://owner@db/tenantry' })).toEqual({ url: 'postgres://owner@db/tenantry', embedded: false });
  });

  it('in production refuses to guess, naming MIGRATION_DATABASE_URL', () => {
    expect(target({ NODE_ENV: 'production' })).toEqual({ problem: expect.stringMatching(/^MIGRATION_DATABASE_URL: required in production/) });
  });

  it('in development without DATABASE_URL targets the embedded database npm start runs, on EMBEDDED_PG_PORT', () => {
    expect(target({})).toEqual({ url: 'postgres://postgres@127.0.0.1:54329/tenantry', embedded: true });
    expect(target({ EMBEDDED_PG_PORT: '55001' })).toEqual({ url: 'postgres://postgres@127.0.0.1:55001/tenantry', embedded: true });
  });

  it('with a DATABASE_URL of its own, the local superuser as before', () => {
    expect(target({ DATABASE_URL: 'postgres://tenantry_app@127.0.0.1:5432/tenantry' })).toEqual({ url: 'postgres://postgres@127.0.0.1:5432/tenantry', embedded: false });
  });

  it('redacts credentials for log lines', () => {
    expect(redactUrl('postgres://postgres:secret@db:5432/tenantry')).toBe('postgres://***@db:5432/tenantry');
  });
});
