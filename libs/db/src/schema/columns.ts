import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Millisecond precision, so a timestamp survives a round trip through JSON and a cursor exactly. */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull().defaultNow();

/** Every tenant table starts with these two columns; its primary key is (tenant_id, id). */
export const tenantIdColumn = () => uuid('tenant_id').notNull();
export const idColumn = () => uuid('id').notNull().defaultRandom();
