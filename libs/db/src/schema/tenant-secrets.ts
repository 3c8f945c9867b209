import { index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';

/**
 * Each tenant's data key (AES-256), stored only wrapped by a master key of the ring (or a KMS).
 * One row per tenant. Deleting it makes every ciphertext of the tenant unreadable: the purge
 * deletes it first (crypto-shredding). `id` changes whenever a new data key replaces the old.
 */
export const tenantDataKeys = pgTable(
  'tenant_data_keys',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    /** The data key encrypted by the master key `master_key_version`, base64. */
    wrappedKey: text('wrapped_key').notNull(),
    masterKeyVersion: text('master_key_version').notNull(),
    createdAt: createdAt(),
    rewrappedAt: timestamp('rewrapped_at', { withTimezone: true, precision: 3, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('tenant_data_keys_tenant_unique').on(t.tenantId),
    // `npm run keys:rotate` looks for keys not yet wrapped by the newest master key.
    index('tenant_data_keys_master_version_idx').on(t.masterKeyVersion),
  ],
);

/**
 * A tenant's named secrets (SSO client secrets, webhook signing secrets, integration keys),
 * each AES-256-GCM encrypted with the tenant's data key, with the tenant id and the name as
 * associated data, so a ciphertext copied to another row or tenant fails to decrypt.
 * `data_key_id` has no foreign key on purpose: the purge deletes the data key before the rows.
 */
export const tenantSecrets = pgTable(
  'tenant_secrets',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    name: text('name').notNull(),
    /** base64 of nonce (12 bytes) | ciphertext | GCM tag (16 bytes). */
    ciphertext: text('ciphertext').notNull(),
    dataKeyId: uuid('data_key_id').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique('tenant_secrets_tenant_name_unique').on(t.tenantId, t.name)],
);

export type TenantDataKey = typeof tenantDataKeys.$inferSelect;
export type TenantSecret = typeof tenantSecrets.$inferSelect;
