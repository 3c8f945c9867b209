import type { Environment } from '@tenantry/config';

export type MigrationTarget = { url: string; embedded: boolean } | { problem: string };

/**
 * Where `db:migrate` applies the migrations: MIGRATION_DATABASE_URL when set; in production
 * nothing else (a plain refusal); in development without DATABASE_URL, the embedded database
 * `npm start` runs (what the API of `npm start` uses); else the local PostgreSQL superuser.
 */
export function migrationTarget(env: Pick<Environment, 'NODE_ENV' | 'MIGRATION_DATABASE_URL' | 'DATABASE_URL' | 'EMBEDDED_PG_PORT'>): MigrationTarget {
  if (env.MIGRATION_DATABASE_URL) return { url: env.MIGRATION_DATABASE_URL, embedded: false };
  if (env.NODE_ENV === 'production') {
    return { problem: 'MIGRATION_DATABASE_URL: required in production (the schema owner, e.g. postgres://postgres:<password>@db.internal:5432/tenantry)' };
  }
  if (env.NODE_ENV === 'development' && !env.DATABASE_URL) {
    return { url: `postgres://postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/tenantry`, embedded: true };
  }
  return { url: 'postgres://postgres@127.0.0.1:5432/tenantry', embedded: false };
}

/** A database URL fit for a log line: no user or password. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
