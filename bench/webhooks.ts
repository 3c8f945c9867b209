/**
 * `npm run bench:webhooks`: webhook delivery from commit to a 2xx at a local receiver with one
 * worker process, and what the outbox costs the write path.
 *
 * 1. Backlog: BENCH_EVENTS events committed while no worker runs, then the worker (a child
 *    process, as `npm run start:worker` runs it) starts: deliveries per second until the receiver
 *    has every one, signed (each verified here would cost the receiver's CPU, so a sample is), and
 *    the worker's CPU per delivery. With BENCH_BASELINE=<git ref> the worker of that revision
 *    (exported with `git archive`, this checkout's node_modules linked, built) runs the same backlog in
 *    alternating rounds (BENCH_BACKLOG_ROUNDS each), side by side in one run.
 * 2. Latency: events committed one per transaction through the product's EventLog at
 *    BENCH_RATE per second for BENCH_SECONDS while the worker runs: commit-to-2xx p50/p99.
 * 3. Write path: POST /v1/projects on two API processes side by side in alternating rounds, one
 *    as built, for a tenant with an endpoint subscribed to project.created (the event row in the
 *    transaction, the after-commit hint) and one whose EventLog writes nothing (webhooks off; only
 *    the bench can build it): server CPU per request, PostgreSQL's CPU per request (every
 *    `postgres` process of the machine) and req/s. No worker runs meanwhile. With
 *    BENCH_WRITE_CONCURRENT=1 the variants run at once in each round, each with its own
 *    connections, so a slow phase of a shared host falls on both alike, and PostgreSQL's share is
 *    each API's own backends. BENCH_WRITE_AA=1 runs the API as built for both (the bench's own
 *    noise: the ratios of identical servers).
 *
 * Runs on the local PostgreSQL (TEST_DATABASE_URL) and Redis, in a scratch database it drops.
 */
import 'reflect-metadata';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { createScratchDatabase } from '../test/support/scratch-database';
import { buildApi, compiledAppEnv, compiledEntry, prepareBaseline, SERVER_PRELOAD } from './compiled-servers';
import { backendPidsOf, machineBusySeconds, median, microsPerRequest, processCpuSeconds, runLoad } from './harness';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BASELINE = process.env.BENCH_BASELINE;
/**
 * BENCH_WRITE_CONCURRENT=1: the write path's variants run at once in each round instead of one
 * after the other, and "database" is each API's own backends (not every PostgreSQL process).
 */
const CONCURRENT = process.env.BENCH_WRITE_CONCURRENT === '1';
const BACKLOG_ROUNDS = Number(process.env.BENCH_BACKLOG_ROUNDS ?? (BASELINE ? 2 : 1));
const ROOT = join(__dirname, '..');
/** BENCH_PHASES: which of backlog, steady and write run (comma-separated; default all three). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'backlog,steady,write').split(',').map((phase) => phase.trim()));

const readLoadAverage = () => loadavg().map((value) => Number(value.toFixed(2)));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startReceiver() {
  const received = new Map<string, number>();
  const samples: { body: string; headers: http.IncomingHttpHeaders; path: string }[] = [];
  let duplicates = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      if (received.has(id)) duplicates += 1;
      else received.set(id, Date.now());
      if (samples.length < 50) samples.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers, path: request.url ?? '' });
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return { server, received, samples, duplicates: () => duplicates };
}

function startWorkerProcess(env: NodeJS.ProcessEnv, root = ROOT): { child: ChildProcess; ready: Promise<void> } {
  // BENCH_WORKER_PROFILE=1: a V8 CPU profile of the worker into bench/profiles/ when it exits.
  const profile = process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const child = spawn(process.execPath, [...profile, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { ...env, NODE_ENV: 'development', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The start-up line's end (an older revision's names the webhook-deliveries queue instead).
      if (/delivering webhooks|webhook-deliveries/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited (${code}):\n${output.slice(-2000)}`)));
  });
  return { child, ready };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  const db = await createScratchDatabase('tenantry_bench');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    SYSTEM_DATABASE_URL: db.systemUrl,
    MIGRATION_DATABASE_URL: db.ownerUrl,
    REDIS_KEY_PREFIX: `tenantry-bench-${randomBytes(4).toString('hex')}`,
    DB_POOL_SIZE: '8',
    // One master key for the bench, its API processes and every worker (a baseline's runs in another directory, without .data/).
    MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  });
  const owner = postgres(db.ownerUrl, { max: 4, onnotice: () => undefined });
  // BENCH_AUTO_EXPLAIN_MS=<ms>: every statement of this run's database slower than that is logged
  // with its plan and timings (EXPLAIN ANALYZE) to the PostgreSQL server log, for this database only.
  if (process.env.BENCH_AUTO_EXPLAIN_MS) {
    const ms = Number(process.env.BENCH_AUTO_EXPLAIN_MS);
    await owner.unsafe(`alter database "${db.name}" set session_preload_libraries = 'auto_explain'`);
    await owner.unsafe(`alter database "${db.name}" set auto_explain.log_min_duration = ${ms}`);
    await owner.unsafe(`alter database "${db.name}" set auto_explain.log_analyze = on`);
    await owner.unsafe(`alter database "${db.name}" set auto_explain.log_buffers = on`);
    await owner.unsafe(`alter database "${db.name}" set auto_explain.log_nested_statements = on`);
  }
  const receiver = startReceiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
  let worker: ChildProcess | undefined;
  try {
    const { Test } = await import('@nestjs/testing');
    const { AppModule } = await import('../apps/api/src/app.module');
    const { API_APP_OPTIONS, configureApp } = await import('../apps/api/src/configure-app');
    const { TokenService } = await import('@tenantry/auth');
    const { EventLog } = await import('@tenantry/events');
    const { TenantTransaction } = await import('@tenantry/tenancy');
    const build = async (outbox: boolean) => {
      let builder = Test.createTestingModule({ imports: [AppModule] });
      if (!outbox) builder = builder.overrideProvider(EventLog).useValue({ record: async () => randomUUID(), recordFor: async () => randomUUID(), takePending: () => [], flush: () => undefined });
      const app = configureApp((await builder.compile()).createNestApplication({ ...API_APP_OPTIONS, logger: ['error'] }));
      await app.listen(0, '127.0.0.1');
      return { app, origin: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
    };
    const on = await build(true);

    await owner`insert into plans (key, name, features, limits) values ('bench_open', 'Open', '[]', '{}')`;
    const tenantOn = async () => {
      const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${`b-${randomBytes(4).toString('hex')}`}, 'Bench', 'bench_open') returning id`;
      const [user] = await owner<{ id: string }[]>`insert into users (tenant_id, email, role) values (${tenant!.id}, 'b@b.test', 'owner') returning id`;
      const { accessToken } = await on.app.get(TokenService).issueTenantAccess({ id: user!.id, tenantId: tenant!.id, role: 'owner' });
      return { id: tenant!.id, auth: `Bearer ${accessToken}` };
    };
    const tenants = await Promise.all(Array.from({ length: TENANTS }, tenantOn));
    const secrets = new Map<string, string>();
    for (const [index, tenant] of tenants.entries()) {
      const response = await fetch(`${on.origin}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: tenant.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiverUrl}/t${index}`, events: ['project.created'] }),
      });
      if (response.status !== 201) throw new Error(`POST /v1/webhooks: ${response.status} ${await response.text()}`);
      secrets.set(`/t${index}`, ((await response.json()) as { secret: string }).secret);
    }

    // 1. Backlog: committed while no worker runs; then one worker, of this checkout or the baseline's.
    const runBacklog = async (root: string) => {
      receiver.received.clear();
      receiver.samples.length = 0;
      const duplicatesBefore = receiver.duplicates();
      await owner`
        insert into events (tenant_id, type, data)
        select (${tenants.map((tenant) => tenant.id)}::uuid[])[1 + (i % ${TENANTS})], 'project.created',
               jsonb_build_object('object', jsonb_build_object('id', gen_random_uuid(), 'name', 'p' || i))
        from generate_series(1, ${EVENTS}) i`;
      const started = Date.now();
      const spawned = startWorkerProcess(process.env, root);
      worker = spawned.child;
      await spawned.ready;
      const ready = Date.now();
      const workerCpuBefore = processCpuSeconds(worker.pid!);
      const machineBefore = machineBusySeconds();
      await waitUntil(() => receiver.received.size >= EVENTS, 900_000, `${EVENTS} deliveries`);
      const workerCpu = (processCpuSeconds(worker.pid!) ?? NaN) - (workerCpuBefore ?? NaN);
      const machineCpu = (machineBusySeconds() ?? NaN) - (machineBefore ?? NaN);
      const times = [...receiver.received.values()];
      const last = Math.max(...times);
      const first = Math.min(...times);
      for (const sample of receiver.samples) new Webhook(secrets.get(sample.path)!).verify(sample.body, sample.headers as Record<string, string>);
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker!.once('exit', resolve));
      worker = undefined;
      return {
        events: EVENTS,
        tenants: TENANTS,
        workerStartSeconds: (ready - started) / 1000,
        deliveriesPerSecondFromWorkerReady: Math.round(EVENTS / ((last - ready) / 1000)),
        deliveriesPerSecondFirstToLast: Math.round(EVENTS / ((last - first) / 1000)),
        duplicates: receiver.duplicates() - duplicatesBefore,
        // CPU per delivery holds better than deliveries/s on a machine shared with other work.
        workerCpuMicrosPerDelivery: Math.round((workerCpu / EVENTS) * 1e6),
        machineCpuMicrosPerDelivery: Math.round((machineCpu / EVENTS) * 1e6),
        loadAverage: readLoadAverage(),
      };
    };
    // With BENCH_BASELINE, that revision exported and built once: its worker for the backlog, its API for the write path.
    const baselineRoot = BASELINE ? prepareBaseline(ROOT, BASELINE, Boolean(process.env.BENCH_SKIP_BUILD)) : undefined;
    const variants: [string, string][] = [['current', ROOT]];
    if (baselineRoot) variants.push([`baseline ${BASELINE}`, baselineRoot]);
    const backlogRuns: Record<string, Awaited<ReturnType<typeof runBacklog>>[]> = Object.fromEntries(variants.map(([name]) => [name, []]));
    for (let round = 0; round < (PHASES.has('backlog') ? BACKLOG_ROUNDS : 0); round++) {
      for (const [name, root] of round % 2 === 0 ? [...variants].reverse() : variants) {
        const result = await runBacklog(root);
        backlogRuns[name]!.push(result);
        console.log(`backlog round ${round + 1} ${name}`, result);
      }
    }
    const summarise = (runs: Awaited<ReturnType<typeof runBacklog>>[]) => ({
      rounds: runs.length,
      workerCpuMicrosPerDelivery: median(runs.map((run) => run.workerCpuMicrosPerDelivery)),
      machineCpuMicrosPerDelivery: median(runs.map((run) => run.machineCpuMicrosPerDelivery)),
      deliveriesPerSecondFromWorkerReady: median(runs.map((run) => run.deliveriesPerSecondFromWorkerReady)),
      deliveriesPerSecondFirstToLast: median(runs.map((run) => run.deliveriesPerSecondFirstToLast)),
      duplicates: runs.reduce((sum, run) => sum + run.duplicates, 0),
    });
    const backlog = Object.fromEntries(Object.entries(backlogRuns).map(([name, runs]) => [name, summarise(runs)]));
    console.log('backlog', backlog);

    async function measureSteady() {
      const spawned = startWorkerProcess(process.env);
      worker = spawned.child;
      await spawned.ready;

      // 2. Steady rate through the product's EventLog: commit-to-2xx latency.
      receiver.received.clear();
      const committedAt = new Map<string, number>();
      const transactions = on.app.get(TenantTransaction);
      const eventLog = on.app.get(EventLog);
      const total = RATE * SECONDS;
      const steadyStart = Date.now();
      const pending: Promise<void>[] = [];
      for (let index = 0; index < total; index++) {
        const due = steadyStart + (index * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        const tenant = tenants[index % TENANTS]!;
        pending.push(
          transactions.run({ tenantId: tenant.id }, () => eventLog.record('project.created', { object: { id: randomUUID(), name: `s${index}` } })).then((id) => {
            committedAt.set(id, Date.now());
          }),
        );
      }
      await Promise.all(pending);
      await waitUntil(() => [...committedAt.keys()].every((id) => receiver.received.has(id)), 120_000, 'the steady deliveries');
      const latencies = [...committedAt.entries()].map(([id, at]) => receiver.received.get(id)! - at).sort((a, b) => a - b);
      const steady = { ratePerSecond: RATE, seconds: SECONDS, events: total, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies[latencies.length - 1] };
      console.log('steady', steady);

      worker.kill('SIGTERM');
      await new Promise((resolve) => worker!.once('exit', resolve));
      worker = undefined;
      return steady;
    }

    async function measureWritePath() {
      // 3. The write path, webhooks on and off, side by side: API processes, so their CPU is their own.
      type Variant = 'on' | 'off' | 'on (baseline)' | 'nohint';
      // The API as `nest build` compiles it (the baseline's built in its own export), each server's
      // entry transpiled: no ts-node hook in these processes, as in production.
      if (!process.env.BENCH_SKIP_BUILD || !existsSync(join(ROOT, 'dist', 'apps', 'api', 'src', 'app.module.js'))) buildApi(ROOT, 'the API');
      const entry = compiledEntry(join(ROOT, 'bench', 'servers', 'webhook-api.ts'));
      const startApi = (outbox: 'on' | 'off' | 'nohint', root = ROOT) =>
        new Promise<{ child: ChildProcess; origin: string }>((resolve, reject) => {
          const child = fork(entry, [], {
            cwd: root,
            env: { ...process.env, ...compiledAppEnv(root), BENCH_OUTBOX: outbox },
            // BENCH_CPU_PROF=<dir>: each API writes a V8 CPU profile there as it stops (<variant>.cpuprofile).
            execArgv: [
              ...SERVER_PRELOAD,
              // BENCH_NODE_OPTIONS: more flags for these processes (`--perf-prof` for `perf record` and `perf inject --jit`).
              ...(process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
              ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${outbox}${root === ROOT ? '' : '-baseline'}.cpuprofile`] : []),
            ],
            stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          });
          child.once('message', (message: { port: number }) => resolve({ child, origin: `http://127.0.0.1:${message.port}` }));
          child.once('exit', (code) => reject(new Error(`the ${outbox} API of ${root} exited (${code})`)));
        });
      // With BENCH_BASELINE, that revision's API (webhooks on) runs beside these two, for its own tenant.
      const [onTenant, offTenant] = [tenants[0]!, tenants[1]!];
      const variants: [Variant, { auth: string }][] = [
        ['on', onTenant],
        ['off', offTenant],
      ];
      const apis: Partial<Record<Variant, { child: ChildProcess; origin: string }>> = { on: await startApi('on'), off: await startApi(process.env.BENCH_WRITE_AA ? 'on' : 'off') };
      // BENCH_WRITE_NOHINT=1: a third API writes the event but sends no after-commit hint.
      if (process.env.BENCH_WRITE_NOHINT) {
        apis.nohint = await startApi('nohint');
        variants.push(['nohint', tenants[3]!]);
      }
      if (BASELINE) {
        apis['on (baseline)'] = await startApi('on', baselineRoot);
        variants.push(['on (baseline)', tenants[2]!]);
      }
      const post = (name: Variant, tenant: { auth: string }, seconds = SECONDS) =>
        runLoad({
          origin: apis[name]!.origin,
          serverPid: apis[name]!.child.pid,
          targets: [{ method: 'POST', path: '/v1/projects', headers: { authorization: tenant.auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'p' }) }],
          connections: CONNECTIONS,
          seconds,
          expectStatus: 201,
        });
      // A warm-up of each, not counted, long enough for the JIT whatever the rounds' length (all at
      // once when the rounds are: an API left idle meanwhile would close its pool's connections).
      if (CONCURRENT) await Promise.all(variants.map(([name, tenant]) => post(name, tenant, Math.max(SECONDS, 10))));
      else for (const [name, tenant] of variants) await post(name, tenant, Math.max(SECONDS, 10));
      const writes: Record<Variant, number[]> = { on: [], off: [], 'on (baseline)': [], nohint: [] };
      const writeCpu: Record<Variant, number[]> = { on: [], off: [], 'on (baseline)': [], nohint: [] };
      const writeP99: Record<Variant, number[]> = { on: [], off: [], 'on (baseline)': [], nohint: [] };
      const writeDatabase: Record<Variant, number[]> = { on: [], off: [], 'on (baseline)': [], nohint: [] };
      // Sequential rounds: the whole machine's CPU per request; rounds at once: the API's own plus its backends'.
      const writeMachine: Record<Variant, number[]> = { on: [], off: [], 'on (baseline)': [], nohint: [] };
      const total = CONCURRENT ? 'apiAndItsBackends' : 'machine';
      // The PostgreSQL backends of an API's pool, and their CPU so far.
      const backendsOf = (name: Variant) => backendPidsOf(apis[name]!.child.pid!, (query, values) => owner.unsafe(query, values as never[]) as unknown as Promise<{ pid: number }[]>);
      const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? NaN), 0);
      /** One run's figures; `database` and `total` as the kind of rounds measures them (see writeMachine). */
      const record = (name: Variant, result: Awaited<ReturnType<typeof post>>, database: number, total: number) => {
        if (result.errors > 0) throw new Error(`${name}: ${result.errors} unexpected statuses`);
        writes[name].push(result.perSecond);
        writeCpu[name].push(result.cpuPerRequest.server ?? NaN);
        writeP99[name].push(result.p99);
        writeDatabase[name].push(database);
        writeMachine[name].push(total);
      };
      for (let round = 0; CONCURRENT && round < ROUNDS; round++) {
        // All variants at once, each with its own connections: whatever the machine does meanwhile
        // (a neighbour, a slow phase of the host) it does to every variant alike.
        const backends = await Promise.all(variants.map(([name]) => backendsOf(name)));
        const before = backends.map(cpuOf);
        const results = await Promise.all(variants.map(([name, tenant]) => post(name, tenant)));
        const after = backends.map(cpuOf);
        // A backend closed or opened during the run would take its CPU out of the figure or leave it out.
        const backendsAfter = await Promise.all(variants.map(([name]) => backendsOf(name)));
        for (const [index, [name]] of variants.entries()) {
          if (backends[index]!.length === 0 || [...backends[index]!].sort().join() !== [...backendsAfter[index]!].sort().join()) throw new Error(`${name}: its backends changed during the run`);
        }
        const line: string[] = [];
        for (const [index, [name]] of variants.entries()) {
          const result = results[index]!;
          const database = microsPerRequest(after[index]! - before[index]!, result.requests) ?? NaN;
          record(name, result, database, (result.cpuPerRequest.server ?? NaN) + database);
          line.push(`${name}: ${result.perSecond} req/s, server ${result.cpuPerRequest.server} µs CPU/request, its ${backends[index]!.length} backends ${database} µs`);
        }
        console.log(`round ${round + 1} at once, ${line.join('; ')}`);
      }
      for (let round = 0; !CONCURRENT && round < ROUNDS; round++) {
        const order = round % 2 === 1 ? [...variants].reverse() : variants;
        for (const [name, tenant] of order) {
          const result = await post(name, tenant);
          record(name, result, result.cpuPerRequest.database ?? NaN, result.cpuPerRequest.machine ?? NaN);
          console.log(`round ${round + 1} webhooks ${name}: ${result.perSecond} req/s, server ${result.cpuPerRequest.server} µs CPU/request, PostgreSQL ${result.cpuPerRequest.database} µs, machine ${result.cpuPerRequest.machine} µs, p50 ${result.p50} ms, p99 ${result.p99} ms`);
        }
      }
      const [eventsWritten] = await owner`select count(*)::int as n from events where tenant_id = ${onTenant.id} and type = 'project.created' and data -> 'object' ->> 'name' = 'p'`;
      const [eventsNotWritten] = process.env.BENCH_WRITE_AA ? [{ n: 0 }] : await owner`select count(*)::int as n from events where tenant_id = ${offTenant.id} and data -> 'object' ->> 'name' = 'p'`;
      for (const api of Object.values(apis)) {
        api!.child.send('stop');
        await new Promise((resolve) => api!.child.once('exit', resolve));
      }
      return {
        runs: CONCURRENT ? 'the variants at once in each round' : 'one variant after the other in each round',
        connections: CONNECTIONS,
        secondsPerRun: SECONDS,
        rounds: ROUNDS,
        webhooksOn: { serverCpuMicrosPerRequest: median(writeCpu.on), databaseCpuMicrosPerRequest: median(writeDatabase.on), [`${total}CpuMicrosPerRequest`]: median(writeMachine.on), reqPerSecond: median(writes.on), p99Ms: median(writeP99.on), eventsWritten: eventsWritten!.n },
        webhooksOff: { serverCpuMicrosPerRequest: median(writeCpu.off), databaseCpuMicrosPerRequest: median(writeDatabase.off), [`${total}CpuMicrosPerRequest`]: median(writeMachine.off), reqPerSecond: median(writes.off), p99Ms: median(writeP99.off), eventsWritten: eventsNotWritten!.n },
        cpuPerRequestOnOverOff: Number((median(writeCpu.on) / median(writeCpu.off)).toFixed(3)),
        reqPerSecondOnOverOff: Number((median(writes.on) / median(writes.off)).toFixed(3)),
        // Each round's on beside its off (run back to back): the median of those ratios moves least with a drifting machine.
        pairedCpuPerRequestOnOverOff: Number(median(writeCpu.on.map((cpu, round) => cpu / writeCpu.off[round]!)).toFixed(3)),
        pairedReqPerSecondOnOverOff: Number(median(writes.on.map((perSecond, round) => perSecond / writes.off[round]!)).toFixed(3)),
        pairedDatabaseCpuPerRequestOnOverOff: Number(median(writeDatabase.on.map((cpu, round) => cpu / writeDatabase.off[round]!)).toFixed(3)),
        [`paired${total[0]!.toUpperCase()}${total.slice(1)}CpuPerRequestOnOverOff`]: Number(median(writeMachine.on.map((cpu, round) => cpu / writeMachine.off[round]!)).toFixed(3)),
        ...(process.env.BENCH_WRITE_NOHINT ? { withoutHint: { serverCpuMicrosPerRequest: median(writeCpu.nohint), reqPerSecond: median(writes.nohint) } } : {}),
        ...(BASELINE
          ? {
              baselineOn: { revision: BASELINE, serverCpuMicrosPerRequest: median(writeCpu['on (baseline)']), reqPerSecond: median(writes['on (baseline)']) },
              cpuPerRequestOnOverBaselineOn: Number((median(writeCpu.on) / median(writeCpu['on (baseline)'])).toFixed(3)),
            }
          : {}),
      };
    }
    const steady = PHASES.has('steady') ? await measureSteady() : undefined;
    const writePath = PHASES.has('write') ? await measureWritePath() : undefined;
    await on.app.close();
    console.log(JSON.stringify({ machine: 'shared 2-core machine; API, load generator and receiver in this process, the worker in its own', backlog, steady, writePath }, null, 2));
  } finally {
    worker?.kill('SIGKILL');
    receiver.server.closeAllConnections();
    receiver.server.close();
    await owner.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
