import postgres from 'postgres';
import { probeIsolation, seedTwoTenants, tenantTables } from '../isolation/cross-tenant-probes';
import { DATABASE, FaultStack, StackTenant } from './support/fault-stack';
import { startLoad, summary } from './support/load';
import type { ProductProcess } from './support/product-process';

const TENANTS = 20;
const REQUESTS = 2000;
const CONCURRENCY = 40;
const SERVER_POOL = 3;

/**
 * The tenancy proofs through PgBouncer in transaction mode, as production runs it: two compiled
 * API processes and a worker, 16 app-role and 6 system-role client connections on 3 server
 * connections per role, so every server connection serves many tenants' transactions one after
 * another. No answer holds another tenant's row, the raw-SQL probes hold through the pooler, and
 * afterwards no server connection carries a tenant.
 */
describe('tenant isolation through PgBouncer in transaction mode', () => {
  const stack = new FaultStack({ pgbouncer: { defaultPoolSize: SERVER_POOL } });
  const apis: { api: ProductProcess; base: string }[] = [];
  let worker: ProductProcess;
  const tenants: (StackTenant & { projectIds: Set<string> })[] = [];

  beforeAll(async () => {
    const startedAt = Date.now();
    await stack.start();
    const stackAt = Date.now();
    for (let i = 0; i < 2; i += 1) apis.push(await stack.startApi({ DB_POOL_SIZE: '8' }));
    worker = await stack.startWorker();
    for (const tenant of await stack.createTenants(apis[0]!.base, TENANTS, 'iso')) {
      const projectIds = new Set<string>();
      for (let p = 0; p < 3; p += 1) {
        const [row] = await stack.owner<{ id: string }[]>`insert into projects (tenant_id, name) values (${tenant.id}, ${`${tenant.slug} seeded ${p}`}) returning id`;
        projectIds.add(row!.id);
      }
      tenants.push({ ...tenant, projectIds });
    }
    console.log(`[pgbouncer isolation] stack ready in ${stackAt - startedAt} ms, APIs, worker and tenants in ${Date.now() - stackAt} ms`);
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
  }, 60_000);

  it('answers interleaved requests of 20 tenants with only their own rows, and meters every one', async () => {
    let rowsChecked = 0;
    const load = startLoad(
      '',
      CONCURRENCY,
      (i) => {
        // Tenant after tenant, each kind of request in turn for every tenant, alternating APIs.
        const mine = tenants[i % TENANTS]!;
        const theirs = tenants[(i + 1 + (Math.floor(i / TENANTS) % (TENANTS - 1))) % TENANTS]!;
        const { base } = apis[Math.floor(i / 3) % apis.length]!;
        const headers = { authorization: mine.auth };
        switch (Math.floor(i / TENANTS) % 5) {
          case 0:
            return {
              path: `${base}/v1/projects?limit=100`,
              headers,
              check: (_status, body) => {
                const { data } = body as { data: { id: string; name: string }[] };
                rowsChecked += data.length;
                const foreign = data.filter((project) => !project.name.startsWith(`${mine.slug} `));
                return foreign.length > 0 ? `${mine.slug} was shown ${foreign.length} projects of other tenants` : undefined;
              },
            };
          case 1: {
            const [id] = [...mine.projectIds];
            return { path: `${base}/v1/projects/${id}`, headers, check: (_status, body) => ((body as { id: string }).id === id ? undefined : `${mine.slug} got another project`) };
          }
          case 2: {
            const [id] = [...theirs.projectIds];
            // Another tenant's project: 404; any 2xx is a leak.
            return { path: `${base}/v1/projects/${id}`, headers, check: () => `${mine.slug} read a project of ${theirs.slug}` };
          }
          case 3:
            return {
              path: `${base}/v1/me`,
              headers,
              check: (_status, body) => ((body as { tenant: { id: string } }).tenant.id === mine.id ? undefined : `${mine.slug} was answered as another tenant`),
            };
          default:
            return { path: `${base}/v1/projects`, method: 'POST', headers, body: { name: `${mine.slug} created ${i}` } };
        }
      },
      REQUESTS,
    );
    const figures = await load.done;

    // Every row written went to the tenant that wrote it.
    const [misplaced] = await stack.owner<{ count: number }[]>`
      select count(*)::int as count from projects p join tenants t on t.id = p.tenant_id
      where p.tenant_id = any(${tenants.map((t) => t.id)}) and p.name not like t.slug || ' %'`;
    const [created] = await stack.owner<{ count: number }[]>`select count(*)::int as count from projects where tenant_id = any(${tenants.map((t) => t.id)}) and name like '% created %'`;

    // The worker rolls up exactly what the APIs metered.
    const deadline = Date.now() + 60_000;
    let rolledUp = await stack.rolledUpApiCalls(tenants.map((t) => t.id));
    while (rolledUp < figures.answered && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      rolledUp = await stack.rolledUpApiCalls(tenants.map((t) => t.id));
    }
    console.log(
      `[pgbouncer isolation] ${TENANTS} tenants, 2 APIs x 8 app connections on ${SERVER_POOL} server connections per role: ${summary(figures)}; ` +
        `${rowsChecked} listed rows checked, ${load.problems.length} cross-tenant answers, ${misplaced!.count} misplaced rows; ` +
        `usage events sent ${figures.answered}, rolled up ${rolledUp}`,
    );
    expect(load.problems).toEqual([]);
    expect(figures.errors).toEqual({});
    expect(figures.statuses).toEqual({ 200: (REQUESTS / 5) * 3, 201: REQUESTS / 5, 404: REQUESTS / 5 });
    expect(created!.count).toBe(REQUESTS / 5);
    expect(rowsChecked).toBeGreaterThan((REQUESTS / 5) * 3);
    expect(misplaced!.count).toBe(0);
    expect(rolledUp).toBe(figures.answered);
    expect(apis.every(({ api }) => api.isAlive) && worker.isAlive).toBe(true);
  }, 240_000);

  it('holds the raw-SQL isolation probes as the app role through the pooler', async () => {
    const app = postgres(stack.pgbouncer.url(DATABASE, 'tenantry_app'), { max: 6, prepare: false, onnotice: () => undefined });
    try {
      const fixture = await seedTwoTenants(stack.owner);
      const tables = await tenantTables(stack.owner);
      expect(tables.length).toBeGreaterThan(10);
      // Several probes at once, so their transactions interleave on the shared server connections.
      const problems = (await Promise.all(Array.from({ length: 4 }, () => probeIsolation(app, fixture, tables)))).flat();
      expect(problems).toEqual([]);
    } finally {
      await app.end({ timeout: 5 });
    }
  }, 120_000);

  it('leaves no tenant on any server connection', async () => {
    const servers = await stack.pgbouncer.show<{ user: string; database: string; remote_pid: number }>('SERVERS');
    const leftOver: { user: string; pid: number; tenant: string | null }[] = [];
    for (const user of ['tenantry_app', 'tenantry_system']) {
      const pids = new Set(servers.filter((server) => server.user === user && server.database === DATABASE).map((server) => Number(server.remote_pid)));
      // As many transactions at once as the pool has server connections, each held open until all
      // have started: each runs on a server connection of its own, so every one is read.
      const client = postgres(stack.pgbouncer.url(DATABASE, user), { max: SERVER_POOL, prepare: false, onnotice: () => undefined });
      try {
        const seen = await Promise.all(
          Array.from({ length: SERVER_POOL }, () =>
            client.begin(async (tx) => {
              const [row] = await tx<{ pid: number; tenant: string | null }[]>`
                select pg_backend_pid() as pid, current_setting('app.current_tenant_id', true) as tenant, pg_sleep(0.5)`;
              return row!;
            }),
          ),
        );
        // Every server connection the load used is among those read.
        expect(new Set(seen.map((row) => row.pid)).size).toBe(SERVER_POOL);
        expect(pids.size).toBeGreaterThan(0);
        expect([...pids].filter((pid) => !seen.some((row) => row.pid === pid))).toEqual([]);
        leftOver.push(...seen.filter((row) => row.tenant !== '' && row.tenant !== null).map((row) => ({ user, ...row })));
      } finally {
        await client.end({ timeout: 5 });
      }
    }
    console.log(`[pgbouncer isolation] server connections read afterwards: ${servers.length}, carrying a tenant: ${leftOver.length}`);
    expect(leftOver).toEqual([]);
  }, 60_000);
});
