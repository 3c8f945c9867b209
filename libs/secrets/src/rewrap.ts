import type { Sql } from 'postgres';
import { adminSecretContext, type MasterKeyProvider } from './master-keys';

export interface RewrapResult {
  rewrapped: number;
  /** Tenants whose key could not be unwrapped (its master key is not in the ring). */
  failed: { tenantId: string; reason: string }[];
}

/**
 * Rewraps the system admins' TOTP secrets (active and pending) not yet wrapped by the ring's
 * current master key, each in one UPDATE guarded by the version it was read with (resumable like
 * the data keys). A handful of rows: no batching.
 */
export async function rewrapAdminSecrets(sql: Sql, masterKeys: MasterKeyProvider): Promise<RewrapResult> {
  const result: RewrapResult = { rewrapped: 0, failed: [] };
  const current = masterKeys.currentVersion;
  const rows = await sql<{ admin_id: string; secret_ciphertext: string | null; secret_key_version: string | null; pending_ciphertext: string | null; pending_key_version: string | null }[]>`
    select admin_id, secret_ciphertext, secret_key_version, pending_ciphertext, pending_key_version from admin_mfa
    where secret_key_version <> ${current} or pending_key_version <> ${current} order by admin_id`;
  for (const row of rows) {
    const context = adminSecretContext(row.admin_id);
    try {
      if (row.secret_ciphertext && row.secret_key_version && row.secret_key_version !== current) {
        const wrapped = await masterKeys.wrap(await masterKeys.unwrap({ wrappedKey: row.secret_ciphertext, masterKeyVersion: row.secret_key_version }, context), context);
        const updated = await sql`update admin_mfa set secret_ciphertext = ${wrapped.wrappedKey}, secret_key_version = ${wrapped.masterKeyVersion}
          where admin_id = ${row.admin_id} and secret_key_version = ${row.secret_key_version}`;
        result.rewrapped += updated.count;
      }
      if (row.pending_ciphertext && row.pending_key_version && row.pending_key_version !== current) {
        const wrapped = await masterKeys.wrap(await masterKeys.unwrap({ wrappedKey: row.pending_ciphertext, masterKeyVersion: row.pending_key_version }, context), context);
        const updated = await sql`update admin_mfa set pending_ciphertext = ${wrapped.wrappedKey}, pending_key_version = ${wrapped.masterKeyVersion}
          where admin_id = ${row.admin_id} and pending_key_version = ${row.pending_key_version}`;
        result.rewrapped += updated.count;
      }
    } catch (error) {
      result.failed.push({ tenantId: context, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/**
 * Rewraps every tenant data key not yet wrapped by the ring's current master key. The values
 * themselves are untouched (they are encrypted by the data keys, which do not change). Each key
 * is its own short UPDATE, guarded by the version it was read with, so the sweep can be stopped
 * and re-run at any point: it continues with the keys still on an old version. Runs on a
 * connection that sees every tenant (the system role): it is a cross-tenant sweep.
 */
export async function rewrapAllDataKeys(
  sql: Sql,
  masterKeys: MasterKeyProvider,
  options: { batchSize?: number; onProgress?: (done: number) => void } = {},
): Promise<RewrapResult> {
  const batchSize = options.batchSize ?? 500;
  const result: RewrapResult = { rewrapped: 0, failed: [] };
  let afterTenant = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const keys = await sql<{ tenant_id: string; id: string; wrapped_key: string; master_key_version: string }[]>`
      select tenant_id, id, wrapped_key, master_key_version from tenant_data_keys
      where master_key_version <> ${masterKeys.currentVersion} and tenant_id > ${afterTenant}
      order by tenant_id limit ${batchSize}`;
    for (const key of keys) {
      try {
        const dataKey = await masterKeys.unwrap({ masterKeyVersion: key.master_key_version, wrappedKey: key.wrapped_key }, key.tenant_id);
        const wrapped = await masterKeys.wrap(dataKey, key.tenant_id);
        const updated = await sql`
          update tenant_data_keys set wrapped_key = ${wrapped.wrappedKey}, master_key_version = ${wrapped.masterKeyVersion}, rewrapped_at = now()
          where tenant_id = ${key.tenant_id} and id = ${key.id} and master_key_version = ${key.master_key_version}`;
        result.rewrapped += updated.count;
      } catch (error) {
        result.failed.push({ tenantId: key.tenant_id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    options.onProgress?.(result.rewrapped);
    if (keys.length < batchSize) return result;
    afterTenant = keys[keys.length - 1]!.tenant_id;
  }
}
