import postgres from 'postgres';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { probeIsolation, seedTwoTenants, TenantFixture, tenantTables } from './cross-tenant-probes';

const connect = (url: string) => postgres(url, { max: 2, onnotice: () => undefined });

describe('row-level security as the app role, in raw SQL', () => {
  let owner: postgres.Sql;
  let app: postgres.Sql;
  let fixture: TenantFixture;
  let tables: string[];

  beforeAll(async () => {
    owner = connect(process.env.MIGRATION_DATABASE_URL!);
    app = connect(process.env.DATABASE_URL!);
    fixture = await seedTwoTenants(owner);
    tables = await tenantTables(owner);
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
  });

  it('covers every tenant table the catalog knows', () => {
    expect(tables).toEqual(expect.arrayContaining(['projects', 'tasks', 'users']));
  });

  it('finds no leak: no tenant means no rows, and no tenant can read or write another', async () => {
    expect(await probeIsolation(app, fixture, tables)).toEqual([]);
  });

  it('refuses a write for another tenant with the policy violation itself', async () => {
    const error = await app
      .begin(async (tx) => {
        await tx`select set_config('app.current_tenant_id', ${fixture.tenantA}, true)`;
        await tx`insert into projects (tenant_id, name) values (${fixture.tenantB}, 'planted')`;
      })
      .catch((e: { code?: string; message?: string }) => e);
    expect(error).toMatchObject({ code: '42501' });
    expect(String((error as Error).message)).toMatch(/row-level security/);
  });

  it('keeps the tenant setting inside the transaction that set it', async () => {
    const single = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    try {
      await single.begin((tx) => tx`select set_config('app.current_tenant_id', ${fixture.tenantA}, true)`);
      const [row] = await single`select current_setting('app.current_tenant_id', true) as value`;
      expect(row!.value).toBe('');
      const [counted] = await single`select count(*)::int as count from projects`;
      expect(counted!.count).toBe(0);
    } finally {
      await single.end();
    }
  });
});

/**
 * The probes above pass only because the policies work: on a database broken on purpose, the same
 * probes must report leaks. An isolation suite that runs as a superuser or the owner would pass
 * while proving nothing; this guards against that.
 */
describe('the isolation probes can fail', () => {
  let scratch: ScratchDatabase;
  let owner: postgres.Sql;

  beforeAll(async () => {
    scratch = await createScratchDatabase('tenantry_broken');
    owner = connect(scratch.ownerUrl);
  });
  afterAll(async () => {
    await owner.end();
    await scratch.drop();
  });

  // Each test breaks the projects table its own way, starting from the real policy.
  beforeEach(async () => {
    await owner`alter table projects enable row level security`;
    await owner`drop policy if exists tenant_isolation on projects`;
    await owner`create policy tenant_isolation on projects
      using (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
      with check (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)`;
  });

  it('finds no leak on the scratch database before it is broken', async () => {
    expect(await probeWith(scratch.appUrl)).toEqual([]);
  });

  async function probeWith(url: string): Promise<string[]> {
    const app = connect(url);
    try {
      return await probeIsolation(app, await seedTwoTenants(owner), await tenantTables(owner));
    } finally {
      await app.end();
    }
  }

  it('reports leaks when the app connects as the owner (a superuser bypasses RLS)', async () => {
    const problems = await probeWith(scratch.ownerUrl);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/without a tenant, projects shows/)]));
    expect(problems).toContain('tenant A could insert a project into tenant B');
  });

  it('reports leaks when the projects policy lets everything through', async () => {
    await owner`drop policy tenant_isolation on projects`;
    await owner`create policy tenant_isolation on projects using (true) with check (true)`;
    const problems = await probeWith(scratch.appUrl);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/tenant A sees \d+ rows of other tenants in projects/)]));
    expect(problems).toContain('tenant A could insert a project into tenant B');
  });

  it('reports a broken table when the projects policy is dropped (RLS then hides even own rows)', async () => {
    await owner`drop policy tenant_isolation on projects`;
    const problems = await probeWith(scratch.appUrl);
    expect(problems).toContain('tenant A cannot see its own project');
  });

  it('reports leaks when row-level security is disabled on projects', async () => {
    await owner`alter table projects disable row level security`;
    const problems = await probeWith(scratch.appUrl);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/without a tenant, projects shows/)]));
  });
});
