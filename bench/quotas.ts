/**
 * `npm run bench:quotas`: what the per-tenant rate-limit check and the counted-limit create path
 * cost, against the same routes without them, measured side by side in alternating rounds; and
 * which way of holding a counted limit is faster in PostgreSQL: a transaction-scoped advisory
 * lock plus a count (what the product does) or a per-tenant counter row with a conditional UPDATE.
 * Runs on the local PostgreSQL (TEST_DATABASE_URL) and Redis, in a scratch database it drops.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createScratchDatabase } from '../test/support/scratch-database';
import { LoadResult, median, runLoad } from './harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function main(): Promise<void> {
  const db = await createScratchDatabase('tenantry_bench');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    SYSTEM_DATABASE_URL: db.systemUrl,
    MIGRATION_DATABASE_URL: db.ownerUrl,
    REDIS_KEY_PREFIX: `tenantry-bench-${randomBytes(4).toString('hex')}`,
    DB_POOL_SIZE: '8',
  });
  const owner = postgres(db.ownerUrl, { max: 2, onnotice: () => undefined });
  try {
    const { NestFactory } = await import('@nestjs/core');
    const { AppModule } = await import('../apps/api/src/app.module');
    const { API_APP_OPTIONS, configureApp } = await import('../apps/api/src/configure-app');
    const { TokenService } = await import('@tenantry/auth');
    const app = configureApp(await NestFactory.create(AppModule, { ...API_APP_OPTIONS, logger: ['error'] }));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    // Two plans identical but for the limits under test.
    await owner`insert into plans (key, name, features, limits) values
      ('bench_limited', 'Limited', '[]', '{"requests_per_minute": 100000000, "requests_burst": 100000000, "projects": 1000000000}'),
      ('bench_open', 'Open', '[]', '{}')`;
    const tenantOn = async (plan: string) => {
      const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${`b-${randomBytes(4).toString('hex')}`}, 'Bench', ${plan}) returning id`;
      const [user] = await owner<{ id: string }[]>`insert into users (tenant_id, email, role) values (${tenant!.id}, 'b@b.test', 'owner') returning id`;
      const [project] = await owner<{ id: string }[]>`insert into projects (tenant_id, name) values (${tenant!.id}, 'p') returning id`;
      const { accessToken } = await app.get(TokenService).issueTenantAccess({ id: user!.id, tenantId: tenant!.id, role: 'owner' });
      return { auth: `Bearer ${accessToken}`, projectId: project!.id };
    };
    const limited = await tenantOn('bench_limited');
    const open = await tenantOn('bench_open');

    const get = (tenant: { auth: string; projectId: string }) => [{ path: `/v1/projects/${tenant.projectId}`, headers: { authorization: tenant.auth } }];
    const post = (tenant: { auth: string }) => [
      { method: 'POST' as const, path: '/v1/projects', headers: { authorization: tenant.auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'p' }) },
    ];
    const load = (targets: ReturnType<typeof get>, expectStatus: number) =>
      runLoad({ origin: base, targets, connections: CONNECTIONS, seconds: SECONDS, expectStatus });

    const results: Record<string, number[]> = { getWith: [], getWithout: [], postWith: [], postWithout: [] };
    const p99: Record<string, number[]> = { getWith: [], getWithout: [], postWith: [], postWithout: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which variant runs first, so drift on a shared machine favours neither.
      const order: [string, () => Promise<LoadResult>][] = [
        ['getWith', () => load(get(limited), 200)],
        ['getWithout', () => load(get(open), 200)],
        ['postWith', () => load(post(limited), 201)],
        ['postWithout', () => load(post(open), 201)],
      ];
      if (round % 2 === 1) order.reverse();
      for (const [name, run] of order) {
        const result = await run();
        if (result.errors > 0) throw new Error(`${name}: ${result.errors} unexpected statuses`);
        results[name]!.push(result.perSecond);
        p99[name]!.push(result.p99);
        console.log(`round ${round + 1} ${name}: ${result.perSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
      }
    }
    await app.close();

    const sqlResults = await compareCountedLimitStrategies(db.appUrl, owner);
    const summary = {
      machine: 'shared 2-core machine; load generator (autocannon) and server in one process',
      connections: CONNECTIONS,
      secondsPerRun: SECONDS,
      rounds: ROUNDS,
      medians: Object.fromEntries(Object.entries(results).map(([name, values]) => [name, { reqPerSecond: median(values), p99Ms: median(p99[name]!) }])),
      ratios: {
        rateLimitCheck_getWithOverWithout: Number((median(results.getWith!) / median(results.getWithout!)).toFixed(3)),
        countedLimit_postWithOverWithout: Number((median(results.postWith!) / median(results.postWithout!)).toFixed(3)),
      },
      countedLimitStrategies: sqlResults,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await owner.end();
    await db.drop();
  }
}

/** The two ways to hold a counted limit, as raw transactions from 8 clients on one tenant. */
async function compareCountedLimitStrategies(appUrl: string, owner: postgres.Sql) {
  const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values ('strategies', 'S', 'bench_limited') returning id`;
  const tenantId = tenant!.id;
  await owner`create table bench_counters (tenant_id uuid primary key, used int not null, lim int not null)`;
  await owner`grant select, update on bench_counters to tenantry_app`;
  await owner`insert into bench_counters values (${tenantId}, 0, 1000000000)`;
  const app = postgres(appUrl, { max: 8, onnotice: () => undefined });
  const run = async (name: string, body: (tx: postgres.TransactionSql, i: number) => Promise<void>) => {
    let done = 0;
    const deadline = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < deadline) {
          await app.begin(async (tx) => {
            await tx`select set_config('app.current_tenant_id', ${tenantId}, true)`;
            await body(tx, done);
          });
          done += 1;
        }
      }),
    );
    return { name, txPerSecond: Math.round(done / SECONDS) };
  };
  const advisory = (tx: postgres.TransactionSql, i: number) =>
    (async () => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:projects`}, 0))`;
      await tx`select count(*) from projects where tenant_id = ${tenantId}`;
      await tx`insert into projects (tenant_id, name) values (${tenantId}, ${`a${i}`})`;
    })();
  const counter = (tx: postgres.TransactionSql, i: number) =>
    (async () => {
      const rows = await tx`update bench_counters set used = used + 1 where tenant_id = ${tenantId} and used < lim returning used`;
      if (rows.length === 0) throw new Error('limit reached');
      await tx`insert into projects (tenant_id, name) values (${tenantId}, ${`c${i}`})`;
    })();
  const rounds: { advisoryLock: number; counterRow: number }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = await run('advisoryLock', advisory);
    const c = await run('counterRow', counter);
    rounds.push({ advisoryLock: a.txPerSecond, counterRow: c.txPerSecond });
  }
  await app.end();
  const advisoryMedian = median(rounds.map((r) => r.advisoryLock));
  const counterMedian = median(rounds.map((r) => r.counterRow));
  return { rounds, medians: { advisoryLock: advisoryMedian, counterRow: counterMedian }, counterOverAdvisory: Number((counterMedian / advisoryMedian).toFixed(3)) };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
