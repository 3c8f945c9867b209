import type postgres from 'postgres';

/**
 * A cheap fingerprint of every table (or of one tenant's rows): row count and the newest row
 * version (`xmin`). Any insert, update or delete changes it, whatever the table.
 */
export async function databaseFingerprint(owner: postgres.Sql, tenantId?: string): Promise<Record<string, string>> {
  const tables = await owner<{ table_name: string; has_tenant: boolean }[]>`
    select t.table_name, exists (select 1 from information_schema.columns c
                                  where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'tenant_id') as has_tenant
    from information_schema.tables t
    where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
    order by t.table_name`;
  const scoped = tenantId ? tables.filter((table) => table.has_tenant) : tables;
  if (scoped.length === 0) return {};
  const parts = scoped.map(
    ({ table_name }) =>
      `select '${table_name}' as name, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text as print from "${table_name}"${tenantId ? ' where tenant_id = $1' : ''}`,
  );
  const rows = await owner.unsafe<{ name: string; print: string }[]>(parts.join(' union all '), tenantId ? [tenantId] : []);
  return Object.fromEntries(rows.map((row) => [row.name, row.print]));
}
