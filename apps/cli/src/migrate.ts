/**
 * `npm run db:migrate` (from the sources) and `npm run db:migrate:prod` (`node
 * dist/apps/cli/src/migrate.js`, always as production): applies pending migrations as the schema
 * owner, then gives the roles the passwords of APP_DB_PASSWORD and SYSTEM_DB_PASSWORD when set.
 * Reads `.env`. Safe to run again. The target is resolved by `migrationTarget`.
 */
import postgres from 'postgres';
import { InvalidEnvironmentError, startEntryPoint, validateEnvironment } from '@tenantry/config';
import { runMigrations, setRolePasswords } from '@tenantry/db';
import { migrationTarget, redactUrl } from './migration-target';

async function main(): Promise<void> {
  startEntryPoint(__filename);
  const env = validateEnvironment(process.env, { serving: false });
  const target = migrationTarget(env);
  if ('problem' in target) throw new PlainFailure(target.problem);
  try {
    await runMigrations(target.url);
  } catch (error) {
    if (target.embedded && isUnreachable(error)) {
      throw new PlainFailure(
        `the development database (embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}) is not running: \`npm start\` starts and migrates it; to migrate another database set MIGRATION_DATABASE_URL`,
      );
    }
    throw error;
  }
  console.log(`migrations applied to ${redactUrl(target.url)}${target.embedded ? ' (the embedded development database)' : ''}`);
  const passwords = { tenantry_app: env.APP_DB_PASSWORD, tenantry_system: env.SYSTEM_DB_PASSWORD };
  const sql = postgres(target.url, { max: 1, onnotice: () => undefined });
  try {
    for (const role of await setRolePasswords(sql, passwords)) console.log(`password of ${role} set`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** What the operator fixes: printed as it is, without a stack. */
class PlainFailure extends Error {}

const isUnreachable = (error: unknown): boolean =>
  ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND'].includes((error as NodeJS.ErrnoException | undefined)?.code ?? '');

main().catch((error: unknown) => {
  if (error instanceof PlainFailure || error instanceof InvalidEnvironmentError) console.error(error.message);
  else console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
