import postgres from 'postgres';
import { tenantTables } from './cross-tenant-probes';

/**
 * The database catalog as the guarantee's source of truth: a table added later without its
 * policy, or an app role that gains a bypass, fails here rather than in production.
 */
describe('the catalog', () => {
  let owner: postgres.Sql;

  beforeAll(() => {
    owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 1, onnotice: () => undefined });
  });
  afterAll(() => owner.end());

  it('the app role is no superuser, cannot bypass RLS and owns nothing', async () => {
    const [role] = await owner`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'tenantry_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const [owned] = await owner`
      select (select count(*) from pg_class where relowner = 'tenantry_app'::regrole)::int
           + (select count(*) from pg_proc where proowner = 'tenantry_app'::regrole)::int
           + (select count(*) from pg_namespace where nspowner = 'tenantry_app'::regrole)::int as count`;
    expect(owned!.count).toBe(0);
  });

  it('the app process really connects as the app role', () => {
    expect(new URL(process.env.DATABASE_URL!).username).toBe('tenantry_app');
  });

  it('every table with a tenant_id column has RLS enabled and forced and one fail-closed policy for all commands', async () => {
    const tables = await tenantTables(owner);
    expect(tables.length).toBeGreaterThanOrEqual(3);
    const rows = await owner<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: { cmd: string; qual: string; check: string }[] }[]>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity,
        coalesce(json_agg(json_build_object('cmd', p.polcmd, 'qual', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid)))
          filter (where p.oid is not null), '[]') as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_policy p on p.polrelid = c.oid
      where n.nspname = 'public' and c.relname = any(${tables})
      group by c.relname, c.relrowsecurity, c.relforcerowsecurity`;
    expect(rows).toHaveLength(tables.length);
    const expected = "(tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)";
    for (const row of rows) {
      expect({ table: row.relname, enabled: row.relrowsecurity, forced: row.relforcerowsecurity }).toEqual({
        table: row.relname,
        enabled: true,
        forced: true,
      });
      expect({ table: row.relname, policies: row.policies }).toEqual({
        table: row.relname,
        policies: [{ cmd: '*', qual: expected, check: expected }],
      });
    }
  });

  it('the app role can reach no table that escapes tenant isolation', async () => {
    const rows = await owner<{ table_name: string }[]>`
      select distinct table_name from information_schema.role_table_grants
      where grantee = 'tenantry_app' and table_schema = 'public'`;
    const tables = new Set(await tenantTables(owner));
    // Not tenant-scoped on purpose: the plan catalogue (read-only) and tenants (RLS on its id).
    const untenanted = rows.map((row) => row.table_name).filter((name) => !tables.has(name));
    expect(untenanted.sort()).toEqual(['plans', 'tenants']);
    const [tenantsTable] = await owner`select relrowsecurity, relforcerowsecurity from pg_class where oid = 'public.tenants'::regclass`;
    expect(tenantsTable).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    const privileges = await owner<{ privilege_type: string }[]>`
      select privilege_type from information_schema.role_table_grants
      where grantee = 'tenantry_app' and table_name = 'plans'`;
    expect(privileges.map((p) => p.privilege_type)).toEqual(['SELECT']);
  });

  it('plans the policy as an index condition on the primary key', async () => {
    const app = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    try {
      const plan = await app.begin(async (tx) => {
        await tx`select set_config('app.current_tenant_id', '00000000-0000-4000-8000-000000000001', true)`;
        await tx`set local enable_seqscan = off`;
        return tx.unsafe(`explain select * from projects where id = '00000000-0000-4000-8000-000000000002'`);
      });
      const text = plan.map((row) => Object.values(row)[0]).join('\n');
      expect(text).toMatch(/Index Cond: \(\(tenant_id = \(NULLIF\(current_setting/);
      expect(text).toMatch(/id = '00000000-0000-4000-8000-000000000002'/);
    } finally {
      await app.end();
    }
  });
});
