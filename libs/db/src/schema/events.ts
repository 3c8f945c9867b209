import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from './columns';
import { tenants } from './tenants';

/** What an event says changed: the resource as the API presents it, and before a change its earlier state. */
export interface EventData {
  object: Record<string, unknown>;
  previous?: Record<string, unknown>;
}

/**
 * The tenant's event log, and the outbox of its webhooks: a row is written in the transaction
 * that makes the change, so a committed change always has its event and a rolled-back one never
 * does. The worker's dispatcher finds rows not yet dispatched (`dispatched_at` null, a small
 * partial index) and queues their deliveries. The app role may INSERT and SELECT only.
 */
export const events = pgTable(
  'events',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
    data: jsonb('data').$type<EventData>().notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true, precision: 3, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('events_tenant_occurred_idx').on(t.tenantId, t.occurredAt, t.id),
    index('events_tenant_type_occurred_idx').on(t.tenantId, t.type, t.occurredAt, t.id),
    index('events_undispatched_idx').on(t.occurredAt).where(sql`${t.dispatchedAt} is null`),
  ],
);

export type EventRow = typeof events.$inferSelect;
