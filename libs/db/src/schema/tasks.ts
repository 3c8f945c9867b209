import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns';
import { projects } from './projects';

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Child rows of projects. The composite foreign key makes a cross-tenant reference impossible. */
export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    projectId: uuid('project_id').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('todo'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'tasks_project_fk',
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete('cascade'),
    index('tasks_tenant_project_created_idx').on(t.tenantId, t.projectId, t.createdAt, t.id),
    check('tasks_status_valid', sql`${t.status} in ('todo', 'doing', 'done')`),
  ],
);

export type Task = typeof tasks.$inferSelect;
