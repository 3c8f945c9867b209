import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { tenants } from './tenants';

/** Example domain: what a product team's first tenant-scoped table looks like. */
export const projects = pgTable(
  'projects',
  {
    tenantId: tenantIdColumn().references(() => tenants.id),
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // Keyset pagination, newest first, within one tenant.
    index('projects_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type Project = typeof projects.$inferSelect;
