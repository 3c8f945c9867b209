import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';

/** Named numeric limits of a plan, e.g. { seats: 5, projects: 10, requests_per_minute: 600 }. */
export type PlanLimits = Record<string, number>;

/** The plan catalogue (not tenant-scoped): the defaults a tenant's effective config starts from. */
export const plans = pgTable('plans', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  features: jsonb('features').$type<string[]>().notNull().default([]),
  limits: jsonb('limits').$type<PlanLimits>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Plan = typeof plans.$inferSelect;
