/**
 * `npm run bench`: what row-level security and the stack cost, measured side by side in one
 * process tree on the local PostgreSQL and Redis, in alternating rounds:
 *
 *   A  the real API, app role under RLS              GET /v1/projects/:id, GET /v1/projects?limit=20
 *   B  the same API as a BYPASSRLS role, explicit WHERE tenant_id (the repositories name it anyway)
 *   C  a bare node:http server doing the same transaction on postgres.js
 *   D  the select alone through postgres.js, no transaction and no HTTP (queries/s)
 *   and A.live, the API's public GET /health/live (no auth, no database): the framework's floor
 *
 * Servers run as child processes; the load generator (autocannon) runs here, so the CPU of each
 * side is measured apart. Options: --large (also seed 10k tenants x 1000 projects in a second
 * database and repeat A and B on it), --smoke (tiny data and duration: proves the bench runs),
 * --seconds N, --rounds N, --connections N, --pool N, --targets N, --out DIR, --profile (CPU
 * profile of the RLS API into bench/profiles/), --only A.get,C.get (a subset, while tuning).
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import postgres from 'postgres';
import { createScratchDatabase, ScratchDatabase } from '../test/support/scratch-database';
import { asRole, testServerUrl } from '../test/support/database-urls';
import { dropRedisKeys, LoadResult, LoadTarget, median, runLoad } from './harness';
import { BenchTarget, DEFAULT_SIZE, LARGE_SIZE, sampleTargets, seed, SeedSize, SMOKE_SIZE } from './seed';

const { values: args } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    pool: { type: 'string' },
    targets: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});

const SMOKE = args.smoke;
const SECONDS = Number(args.seconds ?? (SMOKE ? 1 : 10));
const ROUNDS = Number(args.rounds ?? (SMOKE ? 1 : 3));
const CONNECTIONS = Number(args.connections ?? 16);
const POOL = Number(args.pool ?? 10);
const TARGETS = Number(args.targets ?? 1000);
// The API needs a few seconds of traffic before its speed settles (JIT of a large code path).
const WARMUP_SECONDS = SMOKE ? 1 : Math.min(5, SECONDS);
const OUT_DIR = resolve(args.out ?? join(__dirname, 'results'));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT = { secret: randomBytes(32).toString('hex'), issuer: 'tenantry', audience: 'tenantry-api' };
const ENTRY = (name: string) => join(__dirname, 'servers', name);
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

type Route = 'get' | 'list' | 'live';
interface Scenario {
  name: string;
  route: Route | 'select';
  run(seconds: number): Promise<LoadResult>;
}

interface Child {
  process: ChildProcess;
  port?: number;
}

const children: ChildProcess[] = [];

/** Forks a child, waits for its first IPC message (its port, or that it is ready). */
async function start(entry: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const child = fork(entry, [], {
    cwd: join(__dirname, '..'),
    execArgv: [...TS_NODE, ...execArgv],
    env: { ...process.env, ...env },
    // Server logs (one JSON line per request in production) go where a log shipper would read them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const first = await new Promise<{ port?: number }>((resolveFirst, reject) => {
    child.once('message', (message) => resolveFirst(message as { port?: number }));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready`)));
  });
  return { process: child, port: first.port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.send('stop');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** A database seeded to one size, with the API twice (RLS and bypass) over it. */
interface Dataset {
  label: string;
  size: SeedSize;
  database: ScratchDatabase;
  bypassUrl: string;
  targets: BenchTarget[];
}

async function prepareDataset(label: string, size: SeedSize, bypassRole: string): Promise<Dataset> {
  const started = Date.now();
  const database = await createScratchDatabase('tenantry_bench');
  const owner = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await seed(owner, size);
    const targets = await sampleTargets(owner, Math.min(TARGETS, size.tenants));
    console.log(`${label}: seeded ${size.tenants} tenants x ${size.projectsPerTenant} projects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { label, size, database, bypassUrl: asRole(database.ownerUrl, bypassRole), targets };
  } finally {
    await owner.end();
  }
}

function appEnv(databaseUrl: string, dataset: Dataset, redisPrefix: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SYSTEM_DATABASE_URL: dataset.database.systemUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: JWT.secret,
    JWT_ISSUER: JWT.issuer,
    JWT_AUDIENCE: JWT.audience,
    DB_POOL_SIZE: String(POOL),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    EXPORT_DIR: join(OUT_DIR, '.exports'),
  };
}

function httpTargets(dataset: Dataset, route: Route, auth: (target: BenchTarget) => Record<string, string>): LoadTarget[] {
  return dataset.targets.map((target) => ({
    path: route === 'get' ? `/v1/projects/${target.projectId}` : route === 'list' ? '/v1/projects?limit=20' : '/health/live',
    headers: auth(target),
  }));
}

/** The EXPLAIN of both queries as the app role inside a tenant transaction, as the API runs them. */
async function explain(dataset: Dataset): Promise<Record<'get' | 'list', string>> {
  const app = postgres(dataset.database.appUrl, { max: 1, onnotice: () => undefined });
  try {
    const { tenantId, projectId } = dataset.targets[0]!;
    const plan = (query: string, params: string[]) =>
      app.begin(async (tx) => {
        await tx`select set_config('app.current_tenant_id', ${tenantId}, true)`;
        const rows = await tx.unsafe(`explain (analyze, buffers, costs off, timing off, summary off) ${query}`, params);
        return rows.map((row) => row['QUERY PLAN'] as string).join('\n');
      });
    return {
      get: await plan('select * from projects where tenant_id = $1 and id = $2', [tenantId, projectId]),
      list: await plan('select * from projects where tenant_id = $1 order by created_at desc, id desc limit 21', [tenantId]),
    };
  } finally {
    await app.end();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const bypassRole = `tenantry_bench_bypass_${randomBytes(4).toString('hex')}`;
  const redisPrefix = `tenantry-bench-${randomBytes(4).toString('hex')}`;
  const server = postgres(testServerUrl(), { max: 1, onnotice: () => undefined });
  const datasets: Dataset[] = [];
  try {
    const size = SMOKE ? SMOKE_SIZE : DEFAULT_SIZE;
    datasets.push(await prepareDataset('default', size, bypassRole));
    // Scenario B's role exists only while the bench runs: BYPASSRLS, with the app role's grants
    // (the app role itself comes with the migrations of the first database).
    await server.unsafe(`create role "${bypassRole}" login bypassrls in role tenantry_app`);
    if (args.large) datasets.push(await prepareDataset('large', LARGE_SIZE, bypassRole));

    const signer = new JwtService();
    const tokens = new Map<string, string>();
    for (const dataset of datasets) {
      for (const target of dataset.targets) {
        tokens.set(
          target.userId,
          signer.sign(
            { sub: target.userId, tid: target.tenantId, role: 'owner', typ: 'access' },
            { secret: JWT.secret, algorithm: 'HS256', issuer: JWT.issuer, audience: JWT.audience, expiresIn: 6 * 3600 },
          ),
        );
      }
    }
    const bearer = (target: BenchTarget) => ({ authorization: `Bearer ${tokens.get(target.userId)!}` });
    const tenantHeader = (target: BenchTarget) => ({ 'x-tenant-id': target.tenantId });

    const scenarios: Scenario[] = [];
    const profileDir = join(__dirname, 'profiles');
    for (const dataset of datasets) {
      const suffix = dataset.label === 'default' ? '' : `@${dataset.label}`;
      const profile = args.profile && dataset.label === 'default' ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`] : [];
      const rls = await start(ENTRY('app-server.ts'), appEnv(dataset.database.appUrl, dataset, redisPrefix), profile);
      const bypass = await start(ENTRY('app-server.ts'), appEnv(dataset.bypassUrl, dataset, redisPrefix));
      const http = (name: string, child: Child, route: Route, auth: (target: BenchTarget) => Record<string, string>): Scenario => ({
        name: `${name}.${route}${suffix}`,
        route,
        run: (seconds) =>
          runLoad({
            origin: `http://127.0.0.1:${child.port!}`,
            targets: httpTargets(dataset, route, auth),
            connections: CONNECTIONS,
            seconds,
            serverPid: child.process.pid,
          }),
      });
      for (const route of ['get', 'list'] as const) {
        scenarios.push(http('A', rls, route, bearer), http('B', bypass, route, bearer));
      }
      if (dataset.label !== 'default') continue;
      // The floor of the stack: a public route of the same app with no database and no auth.
      scenarios.push(http('A', rls, 'live', () => ({})));
      const bare = await start(ENTRY('bare-server.ts'), { DATABASE_URL: dataset.database.appUrl, DB_POOL_SIZE: String(POOL) });
      for (const route of ['get', 'list'] as const) scenarios.push(http('C', bare, route, tenantHeader));
      const loop = await start(ENTRY('select-loop.ts'), { DATABASE_URL: dataset.bypassUrl, DB_POOL_SIZE: String(POOL) });
      scenarios.push({
        name: 'D.select',
        route: 'select',
        run: (seconds) =>
          new Promise((resolveRun, reject) => {
            loop.process.once('message', (message) => {
              const result = message as LoadResult & { error?: string };
              if (result.error) reject(new Error(result.error));
              else resolveRun(result);
            });
            loop.process.send({ seconds, concurrency: POOL, targets: dataset.targets });
          }),
      });
    }
    // Keep the routes together (A, B, C of one route back to back), D last; reversed every other round.
    const order = ['A.get', 'B.get', 'C.get', 'A.list', 'B.list', 'C.list', 'A.live', 'D.select'];
    const rank = (name: string) => {
      const [base, label] = name.split('@');
      return order.indexOf(base!) + (label ? 0.5 : 0);
    };
    scenarios.sort((a, b) => rank(a.name) - rank(b.name));
    if (args.only) {
      // While tuning: run some scenarios only (ratios of those not run are left out).
      const wanted = new Set(args.only.split(','));
      scenarios.splice(0, scenarios.length, ...scenarios.filter((scenario) => wanted.has(scenario.name)));
    }

    // A shorter run of each scenario first: JIT, prepared statements, pools, Redis scripts.
    console.log(`warming up ${scenarios.length} scenarios (${WARMUP_SECONDS} s each)`);
    for (const scenario of scenarios) await scenario.run(WARMUP_SECONDS);

    const rounds: Record<string, LoadResult>[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const ordered = round % 2 === 0 ? scenarios : [...scenarios].reverse();
      const results: Record<string, LoadResult> = {};
      for (const scenario of ordered) {
        const result = await scenario.run(SECONDS);
        results[scenario.name] = result;
        console.log(
          `round ${round + 1} ${scenario.name.padEnd(14)} ${String(result.perSecond).padStart(6)} /s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
            `cpu generator ${result.cpu.generator}%${result.cpu.server !== undefined ? ` server ${result.cpu.server}%` : ''}` +
            `${result.cpu.machine !== undefined ? ` machine ${result.cpu.machine}%` : ''}${result.errors ? `  ERRORS ${result.errors}` : ''}`,
        );
        if (result.errors > 0) throw new Error(`${scenario.name}: ${result.errors} unexpected responses or errors`);
      }
      rounds.push(results);
    }

    const medians = Object.fromEntries(
      scenarios.map(({ name }) => {
        const of = (pick: (r: LoadResult) => number | undefined) => {
          const values = rounds.map((r) => pick(r[name]!)).filter((v): v is number => v !== undefined);
          return values.length ? median(values) : undefined;
        };
        return [
          name,
          {
            perSecond: of((r) => r.perSecond),
            p50: of((r) => r.p50),
            p99: of((r) => r.p99),
            cpuGenerator: of((r) => r.cpu.generator),
            cpuServer: of((r) => r.cpu.server),
            cpuMachine: of((r) => r.cpu.machine),
          },
        ];
      }),
    );
    const rate = (name: string) => medians[name]?.perSecond ?? NaN;
    const ratio = (a: number | undefined, b: number | undefined) => Number(((a ?? NaN) / (b ?? NaN)).toFixed(3));
    const ratios: Record<string, number> = {
      'A/B get': ratio(rate('A.get'), rate('B.get')),
      'A/B list': ratio(rate('A.list'), rate('B.list')),
      'A/C get': ratio(rate('A.get'), rate('C.get')),
      'A/C list': ratio(rate('A.list'), rate('C.list')),
      'C/D get': ratio(rate('C.get'), rate('D.select')),
      'A.live/C get': ratio(rate('A.live'), rate('C.get')),
    };
    if (args.large) {
      for (const route of ['get', 'list']) {
        ratios[`A ${route} p99 large/default`] = ratio(medians[`A.${route}@large`]?.p99, medians[`A.${route}`]?.p99);
        ratios[`A/B ${route}@large`] = ratio(rate(`A.${route}@large`), rate(`B.${route}@large`));
      }
    }
    const explains = Object.fromEntries(await Promise.all(datasets.map(async (d) => [d.label, await explain(d)] as const)));

    console.log('\nmedians of', ROUNDS, 'rounds:');
    console.table(medians);
    console.table(ratios);

    const summary = {
      startedAt: startedAt.toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        postgres: (await server`show server_version`)[0]!.server_version as string,
        loadavgBefore: loadBefore.map((v) => Number(v.toFixed(2))),
        loadavgAfter: loadavg().map((v) => Number(v.toFixed(2))),
      },
      options: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, pool: POOL, targets: TARGETS, sizes: datasets.map((d) => ({ label: d.label, ...d.size })) },
      medians,
      ratios,
      rounds,
      explain: explains,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    const file = join(OUT_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`load average before ${summary.machine.loadavgBefore.join(' ')}, after ${summary.machine.loadavgAfter.join(' ')}`);
    console.log(`written ${file}`);
  } finally {
    await Promise.all(children.map(stop));
    for (const dataset of datasets) await dataset.database.drop();
    await server.unsafe(`drop role if exists "${bypassRole}"`);
    await server.end();
    await dropRedisKeys(redisPrefix);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
