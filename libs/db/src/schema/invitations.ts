import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';
import { TENANT_ROLES, users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** Stored states; `expired` is also what a `pending` row past `expires_at` reads as. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * An invitation to join a tenant with a role. The token in its link is stored only as a SHA-256
 * hash; a resend replaces the hash, so the old link stops working. `user_id` names the user it
 * sets a password for when one exists already (created without a password, or a provisioned
 * owner); otherwise accepting creates the user. A pending invitation without a user holds a seat.
 */
export const invitations = pgTable(
  'invitations',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    email: text('email').notNull(),
    role: text('role', { enum: TENANT_ROLES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    status: text('status', { enum: INVITATION_STATUSES }).notNull().default('pending'),
    userId: uuid('user_id'),
    invitedBy: uuid('invited_by'),
    expiresAt: at('expires_at').notNull(),
    acceptedAt: at('accepted_at'),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('invitations_tenant_token_unique').on(t.tenantId, t.tokenHash),
    // One pending invitation per address (an expired one is marked expired before a new one is made).
    uniqueIndex('invitations_tenant_pending_email_unique').on(t.tenantId, t.email).where(sql`${t.status} = 'pending'`),
    index('invitations_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    foreignKey({ name: 'invitations_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
    check('invitations_role_valid', sql`${t.role} in ('owner', 'admin', 'member', 'viewer')`),
    check('invitations_status_valid', sql`${t.status} in ('pending', 'accepted', 'revoked', 'expired')`),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
