/**
 * `npm run keys:rotate`: rewraps every tenant's data key with the newest master key (the first
 * of MASTER_KEYS). Put the new key first (`MASTER_KEYS=v2:<new>,v1:<old>`), deploy, run this,
 * then drop the old key from the ring. Resumable: stopped half-way, run it again. Connects as
 * SYSTEM_DATABASE_URL (the cross-tenant role). Reads `.env`; compiled (`npm run keys:rotate:prod`)
 * it runs as production.
 */
import postgres from 'postgres';
import { startEntryPoint, validateEnvironment } from '@tenantry/config';
import { LocalMasterKeyRing, resolveMasterKeys, rewrapAdminSecrets, rewrapAllDataKeys } from '@tenantry/secrets';

async function main(): Promise<void> {
  startEntryPoint(__filename);
  if (process.env.NODE_ENV !== 'production' && !process.env.MASTER_KEYS) {
    console.warn('MASTER_KEYS is not set: using the development key file');
  }
  const env = validateEnvironment(process.env, { serving: false });
  const url = env.SYSTEM_DATABASE_URL;
  if (!url) throw new Error('set SYSTEM_DATABASE_URL to the target database');
  const ring = new LocalMasterKeyRing(resolveMasterKeys(env, console.warn));
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const result = await rewrapAllDataKeys(sql, ring, { onProgress: (done) => console.log(`rewrapped ${done} data keys so far`) });
    console.log(`rewrapped ${result.rewrapped} data keys with master key ${ring.currentVersion}`);
    for (const failure of result.failed) console.error(`tenant ${failure.tenantId}: ${failure.reason}`);
    // System admins' TOTP secrets are wrapped by the ring directly (they have no data key).
    const admins = await rewrapAdminSecrets(sql, ring);
    console.log(`rewrapped ${admins.rewrapped} system-admin secrets with master key ${ring.currentVersion}`);
    for (const failure of admins.failed) console.error(`${failure.tenantId}: ${failure.reason}`);
    if (result.failed.length > 0 || admins.failed.length > 0) process.exitCode = 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
