import { foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * One sign-in of a tenant user: a refresh-token family. Its id is the `family_id` of the tokens
 * and the `sid` claim of the access tokens issued for it, so a revoked session is refused on the
 * next request, not only at the next refresh. `ip`, `user_agent` and `last_used_at` are those of
 * the latest sign-in or refresh.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('user_sessions_tenant_user_idx').on(t.tenantId, t.userId, t.lastUsedAt),
    foreignKey({ name: 'user_sessions_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
  ],
);

export type UserSession = typeof userSessions.$inferSelect;
