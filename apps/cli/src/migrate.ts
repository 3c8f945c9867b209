/**
 * `npm run db:migrate`: applies pending migrations as the schema owner
 * (MIGRATION_DATABASE_URL, else the local PostgreSQL superuser). Safe to run again.
 */
import { runMigrations } from '@tenantry/db';

const url = process.env.MIGRATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tenantry';

runMigrations(url)
  .then(() => console.log(`migrations applied to ${url.replace(/\/\/[^@]*@/, '//***@')}`))
  .catch((error: unknown) => {
    console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
