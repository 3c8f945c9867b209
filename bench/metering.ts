/**
 * `npm run bench:metering`: what usage metering costs and how fast it goes, in one run.
 *  1. recorder: UsageRecorder.record() calls per second (in memory), and events per second
 *     delivered to the queue (record + flush);
 *  2. rollup: events per second one worker process sums into usage_rollups (the queue is filled
 *     while paused, then the worker is timed until every batch is applied), checked exact;
 *  3. request cost: GET /v1/projects/:id against two API processes (production mode) that differ
 *     only in METERING_ENABLED, in alternating rounds; the ratio is metering's cost per request.
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
import { load, median } from './load';

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
    const summary = {
      command: 'npm run bench:metering',
      machine: 'shared 2-core machine; API processes, load generator, worker, PostgreSQL and Redis share both cores',
      ...pipeline,
      requestCost: requests,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await owner.end();
    await db.drop();
  }
}

/** Phases 1 and 2, in this process: the recorder fills the (paused) queue, then the worker drains it. */
async function recorderAndRollup(tenantIds: string[], owner: postgres.Sql) {
  const { NestFactory } = await import('@nestjs/core');
  const { Queue } = await import('bullmq');
  const { WorkerModule } = await import('../apps/worker/src/worker.module');
  const { UsageRecorder } = await import('@tenantry/metering');
  const { USAGE_EVENTS_QUEUE } = await import('@tenantry/queues');
  const context = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
  const queue = new Queue(USAGE_EVENTS_QUEUE, { connection: { host: '127.0.0.1', port: 6379 }, prefix: `{${process.env.REDIS_KEY_PREFIX}}` });
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
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: 'warn', JWT_SECRET: jwtSecret, METERING_ENABLED: String(metering), SHUTDOWN_GRACE_MS: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; !(await fetch(`${base}/health/live`).then((r) => r.ok, () => false)); attempt += 1) {
      if (attempt > 150) throw new Error('the API did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return base;
  };
  const on = await start(true);
  const off = await start(false);
  const login = await fetch(`${on}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'bench-1', email: 'bench@bench.test', password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const request = (base: string) => () => ({ url: `${base}/v1/projects/${project!.id}`, init: { headers: { authorization: `Bearer ${accessToken}` } } });

  const perSecond: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const p99: Record<'on' | 'off', number[]> = { on: [], off: [] };
  await load(request(on), { connections: CONNECTIONS, seconds: 1, expectStatus: 200 }); // warm-up
  await load(request(off), { connections: CONNECTIONS, seconds: 1, expectStatus: 200 });
  for (let round = 0; round < ROUNDS; round += 1) {
    const order: ['on' | 'off', string][] = round % 2 === 0 ? [['on', on], ['off', off]] : [['off', off], ['on', on]];
    for (const [name, base] of order) {
      const result = await load(request(base), { connections: CONNECTIONS, seconds: SECONDS, expectStatus: 200 });
      if (result.errors > 0) throw new Error(`${name}: ${result.errors} unexpected statuses`);
      perSecond[name].push(result.perSecond);
      p99[name].push(result.p99);
      console.error(`round ${round + 1} metering ${name}: ${result.perSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
    }
  }
  return {
    route: 'GET /v1/projects/:id',
    connections: CONNECTIONS,
    secondsPerRun: SECONDS,
    rounds: ROUNDS,
    perRound: { on: perSecond.on, off: perSecond.off },
    medians: { on: { reqPerSecond: median(perSecond.on), p99Ms: median(p99.on) }, off: { reqPerSecond: median(perSecond.off), p99Ms: median(p99.off) } },
    onOverOff: Number((median(perSecond.on) / median(perSecond.off)).toFixed(3)),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
