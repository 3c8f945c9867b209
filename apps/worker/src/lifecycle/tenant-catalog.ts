import { sql } from 'drizzle-orm';
import type { Transaction } from '@tenantry/db';

/**
 * Every table of the public schema with a tenant_id column, children before parents (a table
 * comes after every tenant table whose foreign keys reference it). Read from the catalog on each
 * run, so a tenant table added later is purged and exported without anyone listing it.
 */
export async function tenantTablesChildrenFirst(db: Transaction): Promise<string[]> {
  const tables = (
    await db.execute<{ table_name: string }>(sql`
      select c.table_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
      order by c.table_name`)
  ).map((row) => row.table_name);
  const edges = await db.execute<{ child: string; parent: string }>(sql`
    select child.relname as child, parent.relname as parent
    from pg_constraint k
    join pg_class child on child.oid = k.conrelid
    join pg_class parent on parent.oid = k.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and child.oid <> parent.oid`);
  return orderChildrenFirst(tables, edges);
}

export function orderChildrenFirst(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const remaining = new Set(tables);
  const ordered: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter((table) => !edges.some((edge) => edge.parent === table && edge.child !== table && remaining.has(edge.child)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...remaining].join(', ')}`);
    for (const table of ready.sort()) {
      ordered.push(table);
      remaining.delete(table);
    }
  }
  return ordered;
}

/** A table's primary-key columns in key order: what the export pages on (tables need no `id`). */
export async function primaryKeyColumns(db: Transaction, table: string): Promise<string[]> {
  const rows = await db.execute<{ column_name: string }>(sql`
    select a.attname as column_name
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${`public.${table}`}::regclass and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`);
  if (rows.length === 0) throw new Error(`table ${table} has no primary key`);
  return rows.map((row) => row.column_name);
}
