import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
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
