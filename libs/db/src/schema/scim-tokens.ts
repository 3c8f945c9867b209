import { index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { tenants } from './tenants';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Bearer tokens of a tenant's directory (SCIM 2.0 provisioning). Shown once; only the SHA-256
 * of the 32 random bytes is kept, with a short prefix to tell tokens apart. Revoked, a token
 * fails on its very next request.
 */
export const scimTokens = pgTable(
  'scim_tokens',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: uuid('created_by'),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('scim_tokens_tenant_hash_unique').on(t.tenantId, t.tokenHash),
    // Authentication looks a token up by hash before the tenant is known (scim_token_authenticate).
    index('scim_tokens_hash_idx').on(t.tokenHash),
    index('scim_tokens_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type ScimToken = typeof scimTokens.$inferSelect;
