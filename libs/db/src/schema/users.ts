import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';

/** Highest first: a role includes every permission of the roles after it. */
export const TENANT_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * `deactivated` (by an admin or the tenant's directory over SCIM): the account and its history
 * stay, but it cannot sign in, its sessions are revoked and it holds no seat; `active` restores it.
 */
export const USER_STATUSES = ['active', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const users = pgTable(
  'users',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    role: text('role', { enum: TENANT_ROLES }).notNull(),
    status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, precision: 3, mode: 'date' }),
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
    check('users_status_valid', sql`${t.status} in ('active', 'deactivated')`),
  ],
);

export type User = typeof users.$inferSelect;
