/**
 * `npm run bench`: what row-level security and the stack cost, measured side by side in one
 * process tree on the local PostgreSQL and Redis, in alternating rounds:
 *
 *   A  the real API, app role under RLS              GET /v1/projects/:id, GET /v1/projects?limit=20
 *   B  the same API as a BYPASSRLS role, explicit WHERE tenant_id (the repositories name it anyway)
 *   C  a bare node:http server doing the same transaction on postgres.js
 *   D  the select alone through postgres.js, no transaction and no HTTP (queries/s)
 *   and A.live, the API's public GET /health/live (no auth, no database): the framework's floor
 *   E  calibration: a minimal Nest-on-Express app answering GET /health/live with the same JSON
 *   F  the floor of the work: the fixed stack (Nest on Express, ValidationPipe, jsonwebtoken, one
 *      EVALSHA on ioredis, the transaction on postgres.js) doing the tenant GETs' required work,
 *      none of the product's own code (servers/nest-lean.ts)
 *
 * The API runs as `nest build` compiles it (built first, unless --skip-build). Servers run as child
 * processes; the load generator (autocannon) runs here, so the CPU of each side is measured apart.
 * The primary figure is the server's CPU per request (utime + stime of all its threads over the
 * requests served), which holds on a machine shared with other work where req/s does not.
 * Options: --large (also seed 10k tenants x 1000 projects in a second database and repeat A and B
 * on it), --smoke (tiny data and duration: proves the bench runs), --seconds N, --rounds N,
 * --connections N, --pool N, --targets N, --out DIR, --profile (V8 CPU profile of the RLS API into
 * bench/profiles/), --perf (on-CPU samples of the RLS API with `perf record -e cpu-clock` after the
 * rounds, into bench/profiles/; --perf-route get|list|live picks the route, default get;
 * --perf-server F profiles scenario F instead), --only A.get,C.get (a subset, while tuning), --baseline REF[,REF...]
 * (also run the API of each git revision, built apart, as scenarios A0, A1, ...: before/after in one
 * run), --skip-build (reuse dist/).
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import postgres from 'postgres';
import { createScratchDatabase, ScratchDatabase } from '../test/support/scratch-database';
import { asRole, testServerUrl } from '../test/support/database-urls';
import { buildApi, compiledAppEnv, compiledEntry, prepareBaseline, SERVER_PRELOAD } from './compiled-servers';
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
    baseline: { type: 'string' },
    perf: { type: 'boolean', default: false },
    'perf-route': { type: 'string', default: 'get' },
    'perf-server': { type: 'string', default: 'A' },
    'skip-build': { type: 'boolean', default: false },
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
const ROOT = resolve(__dirname, '..');
const PROFILE_DIR = join(__dirname, 'profiles');

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
async function start(entry: string, env: Record<string, string>, execArgv: string[] = [], cwd = ROOT): Promise<Child> {
  const child = fork(compiledEntry(entry), [], {
    cwd,
    execArgv: [...SERVER_PRELOAD, ...execArgv],
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

/** A master key ring made for this run (production refuses to start without one). */
const BENCH_MASTER_KEYS = `v1:${randomBytes(32).toString('base64')}`;

/** The API's environment; `root` is the checkout whose build runs (see servers/app-server.ts). */
function appEnv(databaseUrl: string, dataset: Dataset, redisPrefix: string, root = ROOT): Record<string, string> {
  return {
    ...compiledAppEnv(root),
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
    // Required in production; the benchmarked routes neither seal secrets nor send mail.
    MASTER_KEYS: BENCH_MASTER_KEYS,
    MAIL_DISABLED: 'true',
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
    if (!args['skip-build'] || !existsSync(join(ROOT, 'dist', 'apps', 'api', 'src', 'app.module.js'))) buildApi(ROOT, 'the API');
    // Scenarios A0, A1, ...: the API of each revision given, in that order (the oldest first, say).
    const baselines = (args.baseline?.split(',') ?? []).map((ref, index) => {
      const root = prepareBaseline(ROOT, ref, Boolean(args['skip-build']));
      console.log(`A${index}: ${ref} (${root})`);
      return { name: `A${index}`, ref, root };
    });
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
    let perfTarget: { pid: number; run: Scenario } | undefined;
    for (const dataset of datasets) {
      const suffix = dataset.label === 'default' ? '' : `@${dataset.label}`;
      const isDefault = dataset.label === 'default';
      const profile = [
        ...(args.profile && isDefault ? [`--cpu-prof`, `--cpu-prof-dir=${PROFILE_DIR}`] : []),
        // JIT-compiled code described for perf (a jit-<pid>.dump in the working directory, which
        // `perf inject --jit` reads): unlike a /tmp/perf-<pid>.map, it follows code that V8 moved or
        // freed, so an address reused by other code is not charged to the first function seen there.
        ...(args.perf && isDefault ? ['--perf-prof'] : []),
      ];
      const isPerfOfF = args['perf-server'] === 'F';
      const rls = await start(ENTRY('app-server.ts'), appEnv(dataset.database.appUrl, dataset, redisPrefix), isPerfOfF ? [] : profile);
      const bypass = await start(ENTRY('app-server.ts'), appEnv(dataset.bypassUrl, dataset, redisPrefix));
      const before: { name: string; server: Child }[] = [];
      if (isDefault) {
        for (const baseline of baselines) {
          const server = await start(ENTRY('app-server.ts'), appEnv(dataset.database.appUrl, dataset, redisPrefix, baseline.root), [], baseline.root);
          before.push({ name: baseline.name, server });
        }
      }
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
        for (const { name, server } of before) scenarios.push(http(name, server, route, bearer));
      }
      if (!isDefault) continue;
      const perfRoute = args['perf-route'] as Route;
      perfTarget = { pid: rls.process.pid!, run: http('A', rls, perfRoute, perfRoute === 'live' ? () => ({}) : bearer) };
      // The floor of the stack: a public route of the same app with no database and no auth.
      scenarios.push(http('A', rls, 'live', () => ({})));
      for (const { name, server } of before) scenarios.push(http(name, server, 'live', () => ({})));
      // ...and what Nest on Express alone costs for the same answer.
      const minimal = await start(ENTRY('nest-minimal.ts'), {});
      scenarios.push(http('E', minimal, 'live', () => ({})));
      // The fixed stack doing the tenant GET's required work (JWT, rate-limit round trip, the transaction), nothing else.
      const lean = await start(ENTRY('nest-lean.ts'), {
        DATABASE_URL: dataset.database.appUrl,
        DB_POOL_SIZE: String(POOL),
        REDIS_URL,
        REDIS_KEY_PREFIX: redisPrefix,
        JWT_SECRET: JWT.secret,
        JWT_ISSUER: JWT.issuer,
        JWT_AUDIENCE: JWT.audience,
      }, isPerfOfF ? profile : []);
      for (const route of ['get', 'list'] as const) scenarios.push(http('F', lean, route, bearer));
      if (isPerfOfF) perfTarget = { pid: lean.process.pid!, run: http('F', lean, perfRoute === 'live' ? 'get' : perfRoute, bearer) };
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
    const order = ['A*.get', 'A.get', 'B.get', 'F.get', 'C.get', 'A*.list', 'A.list', 'B.list', 'F.list', 'C.list', 'A*.live', 'A.live', 'E.live', 'D.select'];
    const rank = (name: string) => {
      const [base, label] = name.split('@');
      const baseline = /^A(\d+)\.(\w+)$/.exec(base!);
      // A0, A1, ... of a route just before A of the same route, in their order.
      if (baseline) return order.indexOf(`A*.${baseline[2]}`) + Number(baseline[1]) / 100;
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
        const perRequest = result.cpuPerRequest.server ?? result.cpuPerRequest.generator;
        console.log(
          `round ${round + 1} ${scenario.name.padEnd(14)} ${String(perRequest).padStart(6)} µs/req  ${String(result.perSecond).padStart(6)} /s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
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
            // Server CPU µs per request (for D, the client's per query): the primary figure.
            cpuUsPerRequest: of((r) => r.cpuPerRequest.server ?? r.cpuPerRequest.generator),
            perSecond: of((r) => r.perSecond),
            p50: of((r) => r.p50),
            p99: of((r) => r.p99),
            cpuGenerator: of((r) => r.cpu.generator),
            cpuServer: of((r) => r.cpu.server),
            cpuMachine: of((r) => r.cpu.machine),
            machineUsPerRequest: of((r) => r.cpuPerRequest.machine),
          },
        ];
      }),
    );
    const rate = (name: string) => medians[name]?.perSecond ?? NaN;
    const cost = (name: string) => medians[name]?.cpuUsPerRequest ?? NaN;
    const ratio = (a: number | undefined, b: number | undefined) => Number(((a ?? NaN) / (b ?? NaN)).toFixed(3));
    // CPU ratios first (goals: A ≤ 3× C, the floor A.live ≤ 2× E); then throughput, as before.
    const ratios: Record<string, number> = {
      'CPU/req A/C get (goal <= 3)': ratio(cost('A.get'), cost('C.get')),
      'CPU/req A/C list (goal <= 3)': ratio(cost('A.list'), cost('C.list')),
      'CPU/req A.live/E.live (goal <= 2)': ratio(cost('A.live'), cost('E.live')),
      // The floor of the work (F: the fixed stack doing the same required work) against C, and the product above it.
      'CPU/req F/C get': ratio(cost('F.get'), cost('C.get')),
      'CPU/req F/C list': ratio(cost('F.list'), cost('C.list')),
      'CPU/req A/F get': ratio(cost('A.get'), cost('F.get')),
      'CPU/req A/F list': ratio(cost('A.list'), cost('F.list')),
      'CPU/req B/A get': ratio(cost('B.get'), cost('A.get')),
      'CPU/req B/A list': ratio(cost('B.list'), cost('A.list')),
      'req/s A/B get (goal >= 0.95)': ratio(rate('A.get'), rate('B.get')),
      'req/s A/B list (goal >= 0.95)': ratio(rate('A.list'), rate('B.list')),
      'req/s A/C get': ratio(rate('A.get'), rate('C.get')),
      'req/s A/C list': ratio(rate('A.list'), rate('C.list')),
      'req/s C/D get': ratio(rate('C.get'), rate('D.select')),
      'req/s A.live/C get': ratio(rate('A.live'), rate('C.get')),
    };
    for (const { name } of baselines) {
      for (const route of ['get', 'list', 'live']) ratios[`CPU/req A/${name} ${route}`] = ratio(cost(`A.${route}`), cost(`${name}.${route}`));
    }
    if (args.large) {
      for (const route of ['get', 'list']) {
        ratios[`A ${route} p99 large/default`] = ratio(medians[`A.${route}@large`]?.p99, medians[`A.${route}`]?.p99);
        ratios[`req/s A/B ${route}@large`] = ratio(rate(`A.${route}@large`), rate(`B.${route}@large`));
        ratios[`CPU/req A ${route} large/default`] = ratio(cost(`A.${route}@large`), cost(`A.${route}`));
      }
    }
    for (const key of Object.keys(ratios)) if (Number.isNaN(ratios[key])) delete ratios[key];
    const perfReport = args.perf && perfTarget ? await recordPerf(perfTarget.pid, perfTarget.run) : undefined;
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
      baselines: baselines.map(({ name, ref }) => ({ name, ref })),
      options: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, pool: POOL, targets: TARGETS, sizes: datasets.map((d) => ({ label: d.label, ...d.size })) },
      medians,
      ratios,
      rounds,
      explain: explains,
      ...(perfReport ? { perf: perfReport } : {}),
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

/**
 * On-CPU samples of the RLS API (`perf record -e cpu-clock`, all threads) while it serves one more
 * run of A.get. cpu-clock counts only time on a CPU: a V8 --cpu-prof profile on these VMs charges
 * the waits after a socket write to the write. Writes perf.data (JIT code resolved with `perf
 * inject --jit`), a flat report (self time by symbol) and `perf-packages.txt` (each sample of the
 * main thread charged to the package of its innermost JavaScript frame; the other threads, GC's
 * helpers and libuv's, apart) into bench/profiles/, and returns the report's head.
 */
async function recordPerf(pid: number, scenario: Scenario): Promise<string> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const raw = join(PROFILE_DIR, 'perf.raw.data');
  const data = join(PROFILE_DIR, 'perf.data');
  const perf = spawn('perf', ['record', '-k', 'mono', '-e', 'cpu-clock', '-F', '999', '-g', '-p', String(pid), '-o', raw], { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((done) => setTimeout(done, 500));
  const result = await scenario.run(SECONDS);
  const exited = new Promise((done) => perf.once('exit', done));
  perf.kill('SIGINT');
  await exited;
  const perfCommand = (perfArgs: string[]) => execFileSync('perf', perfArgs, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  perfCommand(['inject', '--jit', '-i', raw, '-o', data]);
  const report = perfCommand(['report', '-i', data, '--no-children', '--sort', 'dso,symbol', '--stdio', '-g', 'none', '--percent-limit', '0.5']);
  const packages = packageShares(perfCommand(['script', '-i', data]), pid);
  // perf inject wrote one ELF file per JIT-compiled function beside the dump, in the API's working
  // directory, where --perf-prof also left V8's log (isolate-<address>-<pid>-v8.log).
  const isLeftOver = (file: string) => file === `jit-${pid}.dump` || file.startsWith(`jitted-${pid}-`) || (file.startsWith('isolate-') && file.endsWith(`-${pid}-v8.log`));
  for (const file of readdirSync(ROOT)) if (isLeftOver(file)) rmSync(join(ROOT, file));
  rmSync(raw, { force: true });
  writeFileSync(join(PROFILE_DIR, 'perf-report.txt'), report);
  writeFileSync(join(PROFILE_DIR, 'perf-packages.txt'), packages);
  console.log(`perf: ${result.cpuPerRequest.server} µs/req during the profiled run; reports in ${join(PROFILE_DIR, 'perf-report.txt')} and perf-packages.txt`);
  console.log(packages.split('\n').slice(0, 30).join('\n'));
  return report.split('\n').filter((line) => line && !line.startsWith('#')).slice(0, 60).join('\n');
}

/**
 * `perf script` output summed by where the time went: each sample of the main thread (tid = pid)
 * goes to the package of its innermost JavaScript frame (a node_modules package, `ours:<lib or
 * app folder>`, or a Node core module), or to `no JavaScript frame` (GC on the main thread, libuv,
 * the kernel's side of a read); samples of other threads to `other threads`.
 */
function packageShares(script: string, pid: number): string {
  const shares = new Map<string, number>();
  let total = 0;
  for (const sample of script.split('\n\n')) {
    const [head, ...frames] = sample.split('\n').filter((line) => line.trim());
    if (!head) continue;
    total += 1;
    const tid = Number(head.trim().split(/\s+/)[1]);
    let share = 'other threads (GC helpers, libuv)';
    if (tid === pid) {
      const js = frames.map((frame) => / JS:\S?(.*) \(/.exec(frame)?.[1]).find((name) => name !== undefined);
      share = js === undefined ? 'no JavaScript frame' : packageOf(js);
    }
    shares.set(share, (shares.get(share) ?? 0) + 1);
  }
  const lines = [...shares].sort((a, b) => b[1] - a[1]).map(([share, count]) => `${((100 * count) / total).toFixed(2).padStart(6)}%  ${share}`);
  return [`${total} samples; share of all samples by the innermost JavaScript frame's package (main thread)`, ...lines].join('\n') + '\n';
}

function packageOf(frame: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame);
  if (module) return module[1]!;
  const ours = /\/dist\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+)/.exec(frame);
  if (ours) return `ours:${ours[1]}`;
  const core = /node:(internal\/)?([a-z_]+)/.exec(frame);
  return core ? `node:${core[1] ?? ''}${core[2]}` : 'other JavaScript';
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
