import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from './columns';

export const ACTOR_TYPES = ['user', 'api_key', 'scim_token', 'system_admin', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Before/after values of the fields a change touched; secrets never appear here. */
export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  [key: string]: unknown;
}

const at = () => timestamp('at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow();

/**
 * The tenant's append-only audit log: the app role may INSERT and SELECT, nothing else, so not
 * even the application can rewrite history. Rows leave only through retention and purge (system role).
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    at: at(),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: uuid('actor_id'),
    impersonatorId: uuid('impersonator_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    changes: jsonb('changes').$type<AuditChanges>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_logs_tenant_at_idx').on(t.tenantId, t.at, t.id),
    index('audit_logs_tenant_action_at_idx').on(t.tenantId, t.action, t.at),
    index('audit_logs_tenant_actor_at_idx').on(t.tenantId, t.actorId, t.at),
    index('audit_logs_tenant_resource_at_idx').on(t.tenantId, t.resourceType, t.resourceId, t.at),
    check('audit_logs_actor_type_valid', sql`${t.actorType} in ('user', 'api_key', 'scim_token', 'system_admin', 'system')`),
  ],
);

/**
 * Operator-level records that must outlive any tenant: plan changes, and the purge of a tenant
 * (whose own log is purged with it). System role only.
 */
export const systemAuditLogs = pgTable(
  'system_audit_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: at(),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    targetTenantId: uuid('target_tenant_id'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('system_audit_logs_at_idx').on(t.at), index('system_audit_logs_tenant_idx').on(t.targetTenantId, t.at)],
);

export type AuditLog = typeof auditLogs.$inferSelect;
export type NewAuditLog = typeof auditLogs.$inferInsert;
