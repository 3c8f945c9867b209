import { foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { systemAdmins } from './system-admins';
import { userSessions } from './user-sessions';
import { users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Tenant users' refresh tokens, stored as SHA-256 hashes. Tokens of one login form a family:
 * each is single-use, and presenting a used one revokes the whole family (reuse detection).
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('refresh_tokens_tenant_hash_unique').on(t.tenantId, t.tokenHash),
    index('refresh_tokens_tenant_family_idx').on(t.tenantId, t.familyId),
    index('refresh_tokens_tenant_user_idx').on(t.tenantId, t.userId),
    foreignKey({ name: 'refresh_tokens_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
    foreignKey({ name: 'refresh_tokens_session_fk', columns: [t.tenantId, t.familyId], foreignColumns: [userSessions.tenantId, userSessions.id] }).onDelete(
      'cascade',
    ),
  ],
);

/** System admins' refresh tokens: a table of their own, so the two kinds can never be swapped. */
export const adminRefreshTokens = pgTable(
  'admin_refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    adminId: uuid('admin_id')
      .notNull()
      .references(() => systemAdmins.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('admin_refresh_tokens_family_idx').on(t.familyId)],
);

export type RefreshToken = typeof refreshTokens.$inferSelect;
export type AdminRefreshToken = typeof adminRefreshTokens.$inferSelect;
