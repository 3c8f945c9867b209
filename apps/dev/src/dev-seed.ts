import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { hashPassword } from '@tenantry/auth';

export interface DevCredentials {
  tenant: string;
  owner: { email: string; password: string };
  systemAdmin: { email: string; password: string };
}

const generatePassword = () => randomBytes(12).toString('base64url');

/**
 * Seeds the demo tenant `acme` (owner plus two projects) and a system admin, once. Their passwords
 * are kept beside the dev database (git-ignored) so every start can print them again.
 */
export async function seedDevData(ownerUrl: string, dataDir: string, env: { adminEmail?: string; adminPassword?: string }) {
  const credentialsFile = join(dirname(dataDir), 'dev-credentials.json');
  const saved = existsSync(credentialsFile)
    ? (JSON.parse(readFileSync(credentialsFile, 'utf8')) as DevCredentials)
    : undefined;
  const credentials: DevCredentials = {
    tenant: 'acme',
    owner: saved?.owner ?? { email: 'owner@acme.test', password: generatePassword() },
    systemAdmin: {
      email: env.adminEmail ?? saved?.systemAdmin.email ?? 'admin@tenantry.local',
      password: env.adminPassword ?? saved?.systemAdmin.password ?? generatePassword(),
    },
  };
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    const [ownerHash, adminHash] = await Promise.all([
      hashPassword(credentials.owner.password),
      hashPassword(credentials.systemAdmin.password),
    ]);
    await sql.begin(async (tx) => {
      const [tenant] = await tx<{ id: string }[]>`
        insert into tenants (slug, name, plan) values ('acme', 'Acme Inc.', 'pro')
        on conflict (slug) do update set slug = excluded.slug
        returning id`;
      const tenantId = tenant!.id;
      await tx`
        insert into users (tenant_id, email, password_hash, role)
        values (${tenantId}, ${credentials.owner.email}, ${ownerHash}, 'owner')
        on conflict (tenant_id, email) do update set password_hash = excluded.password_hash`;
      const [{ count }] = await tx<{ count: number }[]>`select count(*)::int as count from projects where tenant_id = ${tenantId}`;
      if (count === 0) {
        await tx`
          insert into projects (tenant_id, name, description) values
            (${tenantId}, 'Website relaunch', 'The demo project of the seeded tenant'),
            (${tenantId}, 'Mobile app', null)`;
      }
      await tx`
        insert into system_admins (email, password_hash) values (${credentials.systemAdmin.email}, ${adminHash})
        on conflict (email) do update set password_hash = excluded.password_hash`;
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
  writeFileSync(credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
