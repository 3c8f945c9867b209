/**
 * `npm run bench:metering`: what usage metering costs and how fast it goes, in one run.
 *  1. recorder: UsageRecorder.record() calls per second (in memory), and events per second
 *     delivered to the queue (record + flush);
 *  2. rollup: events per second one worker process sums into usage_rollups (the queue is filled
 *     while paused, then the worker is timed until every batch is applied), checked exact;
 *  3. request cost: GET /v1/projects/:id against two API processes (production mode) that differ
 *     only in METERING_ENABLED, in alternating rounds; the ratio is metering's cost per request;
 *  4. with `--large`: a month of hourly rollups for 10,000 tenants (7.4M rows, generate_series),
 *     then a tenant's month of hours read as the app role under RLS, timed, with its EXPLAIN.
 * Runs on the local PostgreSQL (TEST_DATABASE_URL) and Redis, in a scratch database it drops.
 */

import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { hashPassword } from '@tenantry/auth';
import { freePort } from '../test/support/own-redis';
import { createScratchDatabase } from '../test/support/scratch-database';
import { dropRedisKeys, median, runLoad } from './harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 400_000);
const TENANTS = 100;
const root = join(__dirname, '..');

async function main(): Promise<void> {
  const db = await createScratchDatabase('tenantry_bench');
  const prefix = `tenantry-bench-${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    SYSTEM_DATABASE_URL: db.systemUrl,
    MIGRATION_DATABASE_URL: db.ownerUrl,
    REDIS_KEY_PREFIX: prefix,
    // Phase 1 records faster than any API process would; hold all of it rather than drop the oldest.
    METERING_MAX_BUFFERED: String(Math.max(200_000, EVENTS)),
  });
  const owner = postgres(db.ownerUrl, { max: 2, onnotice: () => undefined });
  const children: ChildProcess[] = [];
  try {
    await owner`insert into plans (key, name, features, limits) values
      ('bench', 'Bench', '[]', '{"requests_per_minute": 100000000, "requests_burst": 100000000, "api_calls_per_month": 1000000000000}')`;
    const tenantIds = (
      await owner<{ id: string }[]>`
        insert into tenants (slug, name, plan) select 'bench-' || g, 'Bench', 'bench' from generate_series(1, ${TENANTS}) g returning id`
    ).map((row) => row.id);

    const pipeline = await recorderAndRollup(tenantIds, owner);
    const requests = process.env.BENCH_HTTP === '0' ? 'skipped (BENCH_HTTP=0)' : await requestCost(tenantIds[0]!, owner, children);
    const largeQuery = process.argv.includes('--large') ? await monthOfHoursAtScale(owner, db.appUrl) : 'skipped (pass --large)';
    const summary = {
      command: 'npm run bench:metering',
      machine: 'shared 2-core machine; API processes, load generator, worker, PostgreSQL and Redis share both cores',
      ...pipeline,
      requestCost: requests,
      monthOfHourlyRollups: largeQuery,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await owner.end();
    await db.drop();
    await dropRedisKeys(prefix);
  }
}

/** Phases 1 and 2, in this process: the recorder fills the (paused) queue, then the worker drains it. */
async function recorderAndRollup(tenantIds: string[], owner: postgres.Sql) {
  const { NestFactory } = await import('@nestjs/core');
  const { WorkerModule } = await import('../apps/worker/src/worker.module');
  const { UsageRecorder } = await import('@tenantry/metering');
  const { SafeQueue, USAGE_EVENTS_QUEUE } = await import('@tenantry/queues');
  const context = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
  const queue = new SafeQueue(USAGE_EVENTS_QUEUE, { connection: { host: '127.0.0.1', port: 6379 }, prefix: `{${process.env.REDIS_KEY_PREFIX}}` });
  try {
    await queue.pause();
    const recorder = context.get(UsageRecorder);
    const started = performance.now();
    for (let i = 0; i < EVENTS; i += 1) recorder.record(tenantIds[i % tenantIds.length]!, 'api_calls', { route: 'GET /v1/projects/:id', status: 200 });
    const recorded = performance.now();
    await recorder.flush();
    const flushed = performance.now();
    const batches = await queue.getJobCountByTypes('paused', 'waiting');

    await queue.resume();
    const rollupStarted = performance.now();
    for (;;) {
      const [row] = await owner<{ count: number }[]>`select count(distinct batch_id)::int as count from usage_batches`;
      if (row!.count >= batches) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rollupSeconds = (performance.now() - rollupStarted) / 1000;
    const [total] = await owner<{ total: string }[]>`select sum(value) as total from usage_rollups where metric = 'api_calls' and granularity = 'month'`;
    if (Number(total!.total) !== EVENTS) throw new Error(`rolled up ${total!.total} events, sent ${EVENTS}`);
    return {
      events: EVENTS,
      tenants: tenantIds.length,
      batches,
      recorder: {
        recordCallsPerSecond: Math.round(EVENTS / ((recorded - started) / 1000)),
        deliveredToQueuePerSecond: Math.round(EVENTS / ((flushed - started) / 1000)),
      },
      rollup: { workerConcurrency: Number(process.env.METERING_WORKER_CONCURRENCY ?? 2), seconds: Number(rollupSeconds.toFixed(2)), eventsPerSecond: Math.round(EVENTS / rollupSeconds), exact: true },
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await context.close();
  }
}

/** Phase 3: the same GET against an API with metering on and one with it off, alternating. */
async function requestCost(tenantId: string, owner: postgres.Sql, children: ChildProcess[]) {
  const password = randomBytes(12).toString('hex');
  await owner`insert into users (tenant_id, email, password_hash, role) values (${tenantId}, 'bench@bench.test', ${await hashPassword(password)}, 'owner')`;
  const [project] = await owner<{ id: string }[]>`insert into projects (tenant_id, name) values (${tenantId}, 'p') returning id`;
  const jwtSecret = randomBytes(32).toString('hex');
  const start = async (metering: boolean) => {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`, MAIL_DISABLED: 'true', PORT: String(port), LOG_LEVEL: 'info', JWT_SECRET: jwtSecret, METERING_ENABLED: String(metering), SHUTDOWN_GRACE_MS: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; !(await fetch(`${base}/health/live`).then((r) => r.ok, () => false)); attempt += 1) {
      if (attempt > 150) throw new Error('the API did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { base, pid: child.pid! };
  };
  const servers = { on: await start(true), off: await start(false) };
  const on = servers.on.base;
  const login = await fetch(`${on}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'bench-1', email: 'bench@bench.test', password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const targets = [{ path: `/v1/projects/${project!.id}`, headers: { authorization: `Bearer ${accessToken}` } }];
  const run = (name: 'on' | 'off', seconds: number) =>
    runLoad({ origin: servers[name].base, targets, connections: CONNECTIONS, seconds, serverPid: servers[name].pid });

  const perSecond: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const p99: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const serverCpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
  await run('on', 5); // warm-up
  await run('off', 5);
  for (let round = 0; round < ROUNDS; round += 1) {
    const order: ('on' | 'off')[] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const name of order) {
      const result = await run(name, SECONDS);
      if (result.errors > 0) throw new Error(`${name}: ${result.errors} unexpected statuses`);
      perSecond[name].push(result.perSecond);
      p99[name].push(result.p99);
      serverCpu[name].push(result.cpu.server ?? NaN);
      console.error(
        `round ${round + 1} metering ${name}: ${result.perSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, CPU generator ${result.cpu.generator}% server ${result.cpu.server}% machine ${result.cpu.machine}%`,
      );
    }
  }
  return {
    route: 'GET /v1/projects/:id',
    connections: CONNECTIONS,
    secondsPerRun: SECONDS,
    rounds: ROUNDS,
    perRound: { on: perSecond.on, off: perSecond.off },
    medians: {
      on: { reqPerSecond: median(perSecond.on), p99Ms: median(p99.on), serverCpuPercent: median(serverCpu.on) },
      off: { reqPerSecond: median(perSecond.off), p99Ms: median(p99.off), serverCpuPercent: median(serverCpu.off) },
    },
    onOverOff: Number((median(perSecond.on) / median(perSecond.off)).toFixed(3)),
  };
}

/** Phase 4: is one tenant's month of hourly rows still fast when 10,000 tenants have theirs? */
async function monthOfHoursAtScale(owner: postgres.Sql, appUrl: string) {
  const LARGE_TENANTS = 10_000;
  const seeded = performance.now();
  await owner`insert into tenants (slug, name, plan) select 'large-' || g, 'Large', 'bench' from generate_series(1, ${LARGE_TENANTS}) g`;
  await owner`
    insert into usage_rollups (tenant_id, metric, granularity, bucket_start, value)
    select t.id, 'api_calls', 'hour', h, (random() * 1000)::int
    from tenants t cross join generate_series('2026-10-01T00:00:00Z'::timestamptz, '2026-10-31T23:00:00Z'::timestamptz, interval '1 hour') h
    where t.slug like 'large-%'`;
  await owner`vacuum analyze usage_rollups`;
  const [{ rows }] = (await owner`select count(*)::int as rows from usage_rollups`) as unknown as [{ rows: number }];
  const seedSeconds = (performance.now() - seeded) / 1000;
  const ids = (await owner<{ id: string }[]>`select id from tenants where slug like 'large-%' order by random() limit 1000`).map((row) => row.id);
  const app = postgres(appUrl, { max: 1, onnotice: () => undefined });
  const query = (sql: postgres.TransactionSql, tenantId: string) => sql`
    select metric, bucket_start, value from usage_rollups
    where tenant_id = ${tenantId} and metric = 'api_calls' and granularity = 'hour'
      and bucket_start >= '2026-10-01T00:00:00Z' and bucket_start < '2026-11-01T00:00:00Z'
    order by bucket_start`;
  const latencies: number[] = [];
  let plan = '';
  try {
    for (const [index, tenantId] of ids.entries()) {
      await app.begin(async (sql) => {
        await sql`select set_config('app.current_tenant_id', ${tenantId}, true)`;
        const t0 = performance.now();
        const result = await query(sql, tenantId);
        latencies.push(performance.now() - t0);
        if (result.length !== 744) throw new Error(`expected 744 hourly rows, got ${result.length}`);
        if (index === 0) {
          const explained = await sql.unsafe(
            `explain (analyze, buffers, costs off) select metric, bucket_start, value from usage_rollups
             where tenant_id = $1 and metric = 'api_calls' and granularity = 'hour'
               and bucket_start >= '2026-10-01T00:00:00Z' and bucket_start < '2026-11-01T00:00:00Z' order by bucket_start`,
            [tenantId],
          );
          plan = explained.map((row) => row['QUERY PLAN']).join('\n');
        }
      });
    }
  } finally {
    await app.end();
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number(latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(3));
  console.error(plan);
  return { tenants: LARGE_TENANTS, rows, seedSeconds: Number(seedSeconds.toFixed(1)), queries: latencies.length, rowsPerQuery: 744, p50Ms: at(0.5), p99Ms: at(0.99), plan: plan.split('\n') };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
