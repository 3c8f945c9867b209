import postgres from 'postgres';

/**
 * Raw-SQL probes of tenant isolation, run as whichever role `app` connects as. They return the
 * problems found rather than asserting, so the same probes prove isolation on the real database
 * and prove, on a deliberately broken one, that they detect a leak.
 */
export interface TenantFixture {
  tenantA: string;
  tenantB: string;
  projectA: string;
  projectB: string;
}

/** Two tenants with one user, one project and one task each, written as the owner. */
export async function seedTwoTenants(owner: postgres.Sql): Promise<TenantFixture> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const [a] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${`iso-a-${suffix}`}, 'A', 'free') returning id`;
  const [b] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${`iso-b-${suffix}`}, 'B', 'free') returning id`;
  const ids: Record<string, string> = {};
  for (const [key, tenant] of [['A', a!.id], ['B', b!.id]] as const) {
    await owner`insert into users (tenant_id, email, role) values (${tenant}, ${`u@${key}.test`}, 'owner')`;
    const [project] = await owner<{ id: string }[]>`insert into projects (tenant_id, name) values (${tenant}, ${`project of ${key}`}) returning id`;
    await owner`insert into tasks (tenant_id, project_id, title) values (${tenant}, ${project!.id}, ${`task of ${key}`})`;
    ids[key] = project!.id;
  }
  return { tenantA: a!.id, tenantB: b!.id, projectA: ids.A!, projectB: ids.B! };
}

/** Every table of the public schema that has a tenant_id column, from the catalog. */
export async function tenantTables(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ table_name: string }[]>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
    order by c.table_name`;
  return rows.map((row) => row.table_name);
}

async function failsWith(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

class RollbackProbe extends Error {}

/** Runs `work` in a transaction with app.current_tenant_id set transaction-locally, then rolls back. */
async function asTenant<T>(app: postgres.Sql, tenantId: string | undefined, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await app
    .begin(async (tx) => {
      if (tenantId) await tx`select set_config('app.current_tenant_id', ${tenantId}, true)`;
      result = await work(tx);
      throw new RollbackProbe();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollbackProbe)) throw error;
    });
  return result as T;
}

export async function probeIsolation(app: postgres.Sql, fixture: TenantFixture, tables: string[]): Promise<string[]> {
  const problems: string[] = [];
  const { tenantA, tenantB, projectA, projectB } = fixture;

  // No tenant in the transaction: nothing visible, nothing insertable.
  for (const table of tables) {
    const [row] = await asTenant(app, undefined, (tx) => tx.unsafe(`select count(*)::int as count from "${table}"`));
    if (row!.count !== 0) problems.push(`without a tenant, ${table} shows ${row!.count} rows`);
  }
  const noTenantInsert = await failsWith(() =>
    asTenant(app, undefined, (tx) => tx`insert into projects (tenant_id, name) values (${tenantA}, 'no tenant')`),
  );
  if (!noTenantInsert) problems.push('without a tenant, a project row could be inserted');

  // Tenant A: its own rows are visible (a policy that hides everything is broken too) ...
  const ownRows = await asTenant(app, tenantA, (tx) => tx<{ id: string }[]>`select id from projects where id = ${projectA}`);
  if (ownRows.length !== 1) problems.push('tenant A cannot see its own project');

  // ... and nothing of B's, even with no WHERE clause on the tenant.
  for (const table of tables) {
    const [row] = await asTenant(app, tenantA, (tx) =>
      tx.unsafe(`select count(*)::int as count from "${table}" where tenant_id <> $1`, [tenantA]),
    );
    if (row!.count !== 0) problems.push(`tenant A sees ${row!.count} rows of other tenants in ${table}`);
  }
  const [tenantsRow] = await asTenant(app, tenantA, (tx) => tx`select count(*)::int as count from tenants`);
  if (tenantsRow!.count !== 1) problems.push(`tenant A sees ${tenantsRow!.count} rows of tenants`);

  // Writes aimed at B from A's transaction: refused (WITH CHECK) or touching nothing (USING).
  const crossInsert = await failsWith(() =>
    asTenant(app, tenantA, (tx) => tx`insert into projects (tenant_id, name) values (${tenantB}, 'planted')`),
  );
  if (!crossInsert) problems.push('tenant A could insert a project into tenant B');
  const crossTask = await failsWith(() =>
    asTenant(app, tenantA, (tx) => tx`insert into tasks (tenant_id, project_id, title) values (${tenantB}, ${projectB}, 'planted')`),
  );
  if (!crossTask) problems.push('tenant A could insert a task into tenant B');
  const moved = await failsWith(() =>
    asTenant(app, tenantA, async (tx) => {
      const rows = await tx`update projects set tenant_id = ${tenantB} where id = ${projectA} returning id`;
      if (rows.length === 0) throw Object.assign(new Error('nothing moved'), { code: 'none' });
    }),
  );
  if (!moved) problems.push('tenant A could move its project into tenant B');
  const updated = await asTenant(app, tenantA, (tx) => tx`update projects set name = 'hijacked' where tenant_id = ${tenantB} returning id`);
  if (updated.length !== 0) problems.push(`tenant A updated ${updated.length} of B's projects`);
  const deleted = await asTenant(app, tenantA, (tx) => tx`delete from tasks where tenant_id = ${tenantB} returning id`);
  if (deleted.length !== 0) problems.push(`tenant A deleted ${deleted.length} of B's tasks`);

  return problems;
}
