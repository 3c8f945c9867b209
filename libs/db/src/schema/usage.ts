import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './columns';
import { tenants } from './tenants';

export const USAGE_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

const bucketStart = () => timestamp('bucket_start', { withTimezone: true, precision: 3, mode: 'date' }).notNull();

/**
 * Usage per tenant, metric and time bucket (UTC hour, day and month), summed by the worker from
 * usage events. The primary key leads with tenant_id, so a tenant's month of hourly rows is one
 * index range scan however many tenants share the table; `month` rows make a monthly quota one
 * row read.
 */
export const usageRollups = pgTable(
  'usage_rollups',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    metric: text('metric').notNull(),
    granularity: text('granularity', { enum: USAGE_GRANULARITIES }).notNull(),
    bucketStart: bucketStart(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.metric, t.granularity, t.bucketStart] }),
    // Cross-tenant reads of the system admins: one granularity over a time range.
    index('usage_rollups_granularity_bucket_idx').on(t.granularity, t.bucketStart),
    check('usage_rollups_granularity_valid', sql`${t.granularity} in ('hour', 'day', 'month')`),
  ],
);

/**
 * The batches of usage events already applied, per tenant. A batch's rows here commit in the same
 * transaction as its sums, so a retried or replayed batch adds nothing (exactly once in effect).
 */
export const usageBatches = pgTable(
  'usage_batches',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    batchId: uuid('batch_id').notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.batchId] }), index('usage_batches_applied_at_idx').on(t.appliedAt)],
);

export type UsageRollup = typeof usageRollups.$inferSelect;
