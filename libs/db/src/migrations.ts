import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The repository's drizzle/ folder, found upward from here (works from src and from dist). */
export function migrationsFolder(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no drizzle/meta/_journal.json above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Applies every pending migration as the connecting role (the schema owner). Idempotent: applied
 * migrations are recorded in drizzle.__drizzle_migrations, and an advisory lock serialises
 * concurrent runs against the same database.
 */
export async function runMigrations(ownerUrl: string, folder = migrationsFolder()): Promise<void> {
  const client = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await client`select pg_advisory_lock(hashtext('tenantry:migrate'))`;
    await migrate(drizzle(client), { migrationsFolder: resolve(folder) });
    await client`select pg_advisory_unlock(hashtext('tenantry:migrate'))`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Gives the roles the migrations create (tenantry_app, tenantry_system) the passwords given, as
 * the connecting owner (CREATEROLE or a superuser); roles without a password given are left as
 * they are. The server hashes the password (`password_encryption`, SCRAM by default). Answers
 * the roles it changed.
 */
export async function setRolePasswords(sql: postgres.Sql, passwords: Record<'tenantry_app' | 'tenantry_system', string | undefined>): Promise<string[]> {
  const changed: string[] = [];
  for (const [role, password] of Object.entries(passwords)) {
    if (!password) continue;
    // ALTER ROLE takes no bind parameters: the statement is quoted by format() on the server.
    const [{ statement }] = await sql<{ statement: string }[]>`select format('ALTER ROLE %I PASSWORD %L', ${role}::text, ${password}::text) as statement`;
    await sql.unsafe(statement!);
    changed.push(role);
  }
  return changed;
}
