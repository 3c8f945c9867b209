import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { events } from './events';
import { tenants } from './tenants';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * A tenant's webhook endpoints: where its events are POSTed, which types it wants. The signing
 * secrets live in the tenant secret store (`webhook:<id>:signing`, and `webhook:<id>:previous`
 * during the 24 hours after a rotation); `secret_version` moves with each rotation so a worker's
 * cache of decrypted secrets knows when to reload.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    secretVersion: integer('secret_version').notNull().default(1),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    /** The first failed attempt since the last success; five days of failing disable the endpoint. */
    failingSince: at('failing_since'),
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('webhook_endpoints_tenant_created_idx').on(t.tenantId, t.createdAt, t.id)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One delivery per (event, endpoint): its state and its last attempt. The worker's dispatcher
 * writes it in the transaction that marks the event dispatched; a delivery that is `pending` with
 * `next_attempt_at` due and no live lease is taken by a worker's claim (which leases it), so a
 * crashed worker loses nothing: its leases run out and another worker claims them.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    endpointId: uuid('endpoint_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: at('next_attempt_at'),
    /** Set while a worker's attempt owns the delivery; past it, any worker's claim takes it again. */
    leaseUntil: at('lease_until'),
    lastAttemptAt: at('last_attempt_at'),
    responseCode: integer('response_code'),
    durationMs: integer('duration_ms'),
    /** The first 1 KB of the receiver's answer. */
    responseBody: text('response_body'),
    error: text('error'),
    /** When the event's transaction committed (about): the start of the commit-to-2xx latency. */
    eventOccurredAt: at('event_occurred_at').notNull(),
    succeededAt: at('succeeded_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('webhook_deliveries_endpoint_event_unique').on(t.tenantId, t.endpointId, t.eventId),
    foreignKey({ name: 'webhook_deliveries_endpoint_fk', columns: [t.tenantId, t.endpointId], foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ name: 'webhook_deliveries_event_fk', columns: [t.tenantId, t.eventId], foreignColumns: [events.tenantId, events.id] }).onDelete('cascade'),
    index('webhook_deliveries_endpoint_created_idx').on(t.tenantId, t.endpointId, t.createdAt, t.id),
    index('webhook_deliveries_event_idx').on(t.tenantId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    // The attempts under way (a live or a run-out lease): counted per endpoint by every claim.
    index('webhook_deliveries_leased_idx').on(t.endpointId, t.leaseUntil).where(sql`status = 'pending' and lease_until is not null`),
    check('webhook_deliveries_status_valid', sql`${t.status} in ('pending', 'succeeded', 'failed')`),
  ],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
