import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';

/** Highest first: a role includes every permission of the roles after it. */
export const TENANT_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export const users = pgTable(
  'users',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    role: text('role', { enum: TENANT_ROLES }).notNull(),
    /**
     * When the address was shown to be the user's. Null only for a self-service signup's owner
     * until the verification link is followed (login refuses them meanwhile); everyone else is
     * vouched for by whoever created them, so the default is the moment of creation.
     */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true, precision: 3, mode: 'date' }).defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('users_tenant_email_unique').on(t.tenantId, t.email),
    check('users_role_valid', sql`${t.role} in ('owner', 'admin', 'member', 'viewer')`),
  ],
);

export type User = typeof users.$inferSelect;
