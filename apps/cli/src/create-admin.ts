/**
 * `npm run admin:create -- --email ops@example.com [--password ...]` (from the sources) or
 * `npm run admin:create:prod -- ...` (`node dist/apps/cli/src/create-admin.js`, always as
 * production): creates (or resets) a system admin on any database, since production has no seed.
 * Reads `.env`. Connects as SYSTEM_DATABASE_URL (else MIGRATION_DATABASE_URL). Without --password
 * one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { hashPassword } from '@tenantry/auth';
import { startEntryPoint } from '@tenantry/config';

async function main(): Promise<void> {
  startEntryPoint(__filename);
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  const email = values.email?.trim().toLowerCase();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('--email is required and must be an email address');
  if (values.password !== undefined && values.password.length < 10) throw new Error('--password must be at least 10 characters');
  const url = process.env.SYSTEM_DATABASE_URL ?? process.env.MIGRATION_DATABASE_URL;
  if (!url) throw new Error('set SYSTEM_DATABASE_URL (or MIGRATION_DATABASE_URL) to the target database');

  const password = values.password ?? randomBytes(15).toString('base64url');
  const hash = await hashPassword(password);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`
      insert into system_admins (email, password_hash) values (${email}, ${hash})
      on conflict (email) do update set password_hash = excluded.password_hash, updated_at = now()`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  console.log(`system admin ${email} is ready${values.password ? '' : `; password: ${password}`}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
