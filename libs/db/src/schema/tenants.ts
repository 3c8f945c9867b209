import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';
import { plans } from './plans';

export const TENANT_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** A slug is one DNS label, so `<slug>.<BASE_DOMAIN>` is always a valid host. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Per-tenant overrides, deep-merged over the plan's defaults to give the effective config. */
export interface TenantConfigOverrides {
  features?: Record<string, boolean>;
  limits?: Record<string, number>;
  settings?: Record<string, unknown>;
}

/**
 * The tenants themselves. Row-level security lets the app role see only the row of the tenant
 * in its transaction (`id` plays the part of `tenant_id`).
 */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    plan: text('plan')
      .notNull()
      .references(() => plans.key, { onUpdate: 'cascade' }),
    status: text('status', { enum: TENANT_STATUSES }).notNull().default('active'),
    /** Set by system admins only. */
    config: jsonb('config').$type<TenantConfigOverrides>().notNull().default({}),
    /** Tenant-editable settings (branding, locale); the app role may update this column and no other. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('tenants_slug_dns_label', sql`${t.slug} ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'`),
    check('tenants_status_valid', sql`${t.status} in ('active', 'suspended', 'deleted')`),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
