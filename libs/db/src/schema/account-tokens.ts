import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { systemAdmins } from './system-admins';
import { tenants } from './tenants';
import { users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const ACCOUNT_TOKEN_PURPOSES = ['email_verification', 'password_reset'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * One-time tokens mailed to a tenant user (email verification, password reset): stored only as a
 * SHA-256 hash, bound to the tenant (the row's tenant, under RLS) and the purpose, used once.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('account_tokens_tenant_hash_unique').on(t.tenantId, t.tokenHash),
    index('account_tokens_tenant_user_idx').on(t.tenantId, t.userId, t.purpose),
    foreignKey({ name: 'account_tokens_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
    check('account_tokens_purpose_valid', sql`${t.purpose} in ('email_verification', 'password_reset')`),
  ],
);

/** A system admin's password-reset tokens (hashed, single-use); the system role only. */
export const adminPasswordResets = pgTable(
  'admin_password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    adminId: uuid('admin_id')
      .notNull()
      .references(() => systemAdmins.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('admin_password_resets_admin_idx').on(t.adminId)],
);

export type AccountToken = typeof accountTokens.$inferSelect;
