import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { tenants } from './tenants';
import { TENANT_ROLES } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Tenant API keys. The secret is shown once; only its SHA-256 hash is kept (keys are 32 random
 * bytes, so a slow hash adds nothing), with a short visible prefix to tell keys apart. A key
 * belongs to the tenant: it outlives the user who created it until it is revoked.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    role: text('role', { enum: TENANT_ROLES }).notNull(),
    createdBy: uuid('created_by'),
    lastUsedAt: at('last_used_at'),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('api_keys_tenant_hash_unique').on(t.tenantId, t.keyHash),
    // Authentication looks a key up by hash before the tenant is known (see api_key_authenticate).
    index('api_keys_hash_idx').on(t.keyHash),
    index('api_keys_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    check('api_keys_role_valid', sql`${t.role} in ('owner', 'admin', 'member', 'viewer')`),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
