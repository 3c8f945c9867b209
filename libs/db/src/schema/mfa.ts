import { bigint, foreignKey, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { systemAdmins } from './system-admins';
import { users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * A tenant user's TOTP factor. The secrets themselves are tenant secrets (`mfa:<userId>:totp`,
 * and `mfa:<userId>:totp_pending` until an enrolment is confirmed), envelope-encrypted with the
 * tenant's data key. `enabled_at` is null while only a pending enrolment exists.
 * `last_time_step` is the RFC 6238 time step of the last accepted code: a code is never taken twice.
 */
export const userMfa = pgTable(
  'user_mfa',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    enabledAt: at('enabled_at'),
    pendingSince: at('pending_since'),
    lastTimeStep: bigint('last_time_step', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('user_mfa_tenant_user_unique').on(t.tenantId, t.userId),
    foreignKey({ name: 'user_mfa_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
  ],
);

/** Single-use recovery codes of a tenant user's MFA, stored as SHA-256 hashes. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('mfa_recovery_codes_tenant_user_hash_unique').on(t.tenantId, t.userId, t.codeHash),
    foreignKey({ name: 'mfa_recovery_codes_user_fk', columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete('cascade'),
  ],
);

/**
 * A system admin's TOTP factor (not tenant-scoped; the system role only). System admins have no
 * tenant data key, so their secrets are wrapped directly by the MASTER_KEYS ring (bound to the
 * admin's id) and rewrapped by `npm run keys:rotate` like the tenants' data keys.
 */
export const adminMfa = pgTable('admin_mfa', {
  adminId: uuid('admin_id')
    .primaryKey()
    .references(() => systemAdmins.id, { onDelete: 'cascade' }),
  secretCiphertext: text('secret_ciphertext'),
  secretKeyVersion: text('secret_key_version'),
  pendingCiphertext: text('pending_ciphertext'),
  pendingKeyVersion: text('pending_key_version'),
  enabledAt: at('enabled_at'),
  pendingSince: at('pending_since'),
  lastTimeStep: bigint('last_time_step', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const adminMfaRecoveryCodes = pgTable(
  'admin_mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    adminId: uuid('admin_id')
      .notNull()
      .references(() => systemAdmins.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [unique('admin_mfa_recovery_codes_admin_hash_unique').on(t.adminId, t.codeHash)],
);

export type UserMfa = typeof userMfa.$inferSelect;
export type AdminMfa = typeof adminMfa.$inferSelect;
