import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import postgres from 'postgres';
import { deploymentKey } from '@tenantry/queues';
import { freePort, OwnRedis } from '../support/own-redis';
import { SpawnedProcess, spawnEntryPoint } from '../support/spawned-process';
import { CompiledBuild, compiledBuild } from './support/compiled-build';

/** Boots of real processes on a busy machine take a while; the assertions are about what they print. */
const BOOT_TIMEOUT_MS = 240_000;
const API_READY = /API listening on/;
const WORKER_READY = /processing usage-events/;
const REFUSAL = (prefix: string) => new RegExp(`^REDIS_KEY_PREFIX "${prefix}" belongs to another deployment \\(database "[^"]+" of PostgreSQL system \\d+; this one is "postgres" of \\d+\\): set a REDIS_KEY_PREFIX of its own`, 'm');

/** The same app role on another database of the same cluster: another deployment's database. */
const otherDatabaseUrl = () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/postgres';
  return url.toString();
};

/**
 * Two deployments on one Redis under one REDIS_KEY_PREFIX would take each other's jobs. The first
 * process claims the prefix for its database; a process of another database is refused before it
 * writes a single key, with one line naming REDIS_KEY_PREFIX, and exits 1; more processes of the
 * same database (scaling out, a rolling deploy) start.
 */
describe('the deployment lock on REDIS_KEY_PREFIX', () => {
  let redis: OwnRedis;
  let client: Redis;
  const processes: SpawnedProcess[] = [];
  const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 1, onnotice: () => undefined });

  const start = (entry: 'api' | 'worker', env: Record<string, string>) => {
    const started = spawnEntryPoint(entry, {
      NODE_ENV: 'production',
      MAIL_DISABLED: 'true',
      REDIS_URL: redis.url,
      WORKER_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    }, build);
    processes.push(started);
    return started;
  };

  const expectRefused = async (started: SpawnedProcess, prefix: string) => {
    expect(await started.exited).toEqual({ code: 1, signal: null });
    expect(started.output).toMatch(REFUSAL(prefix));
    // One line, no stack trace.
    expect(started.output).not.toMatch(/^\s+at /m);
  };

  // The compiled processes, as production runs them (built once per source state, shared by the fault suites).
  let build: CompiledBuild;

  beforeAll(async () => {
    build = await compiledBuild();
    redis = new OwnRedis(await freePort());
    await redis.start();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  }, 600_000);

  afterAll(async () => {
    await Promise.all(processes.map((started) => started.stop()));
    client?.disconnect();
    await redis?.stop();
    await owner.end();
  });

  it('lets every process of one database start, and refuses another database with one line and exit code 1', async () => {
    const prefix = `tenantry-lock-${randomBytes(4).toString('hex')}`;
    const [identity] = await owner<{ system_identifier: string }[]>`select system_identifier::text from pg_control_system()`;

    // Two API processes and a worker of the same database, as a scaled or rolling deployment runs them.
    const first = start('api', { REDIS_KEY_PREFIX: prefix, PORT: String(await freePort()) });
    const second = start('api', { REDIS_KEY_PREFIX: prefix, PORT: String(await freePort()) });
    const worker = start('worker', { REDIS_KEY_PREFIX: prefix });
    await Promise.all([first.waitFor(API_READY, BOOT_TIMEOUT_MS), second.waitFor(API_READY, BOOT_TIMEOUT_MS), worker.waitFor(WORKER_READY, BOOT_TIMEOUT_MS)]);
    expect(JSON.parse((await client.get(deploymentKey(prefix)))!)).toMatchObject({
      systemIdentifier: identity!.system_identifier,
      database: process.env.TEST_DATABASE_NAME,
    });

    // Another database under the same prefix: refused, the API and the worker alike.
    const intruders = [
      start('api', { REDIS_KEY_PREFIX: prefix, PORT: String(await freePort()), DATABASE_URL: otherDatabaseUrl() }),
      start('worker', { REDIS_KEY_PREFIX: prefix, DATABASE_URL: otherDatabaseUrl() }),
    ];
    for (const intruder of intruders) await expectRefused(intruder, prefix);
    // The first deployment is untouched.
    expect(first.isRunning && second.isRunning && worker.isRunning).toBe(true);
    expect(JSON.parse((await client.get(deploymentKey(prefix)))!)).toMatchObject({ database: process.env.TEST_DATABASE_NAME });
  }, 2 * BOOT_TIMEOUT_MS);

  it('refuses before writing a single key under the prefix', async () => {
    const prefix = `tenantry-lock-${randomBytes(4).toString('hex')}`;
    await client.set(deploymentKey(prefix), JSON.stringify({ systemIdentifier: '1', database: process.env.TEST_DATABASE_NAME }));
    const refused = [start('api', { REDIS_KEY_PREFIX: prefix, PORT: String(await freePort()) }), start('worker', { REDIS_KEY_PREFIX: prefix })];
    for (const started of refused) {
      expect(await started.exited).toEqual({ code: 1, signal: null });
      expect(started.output).toMatch(new RegExp(`^REDIS_KEY_PREFIX "${prefix}" belongs to another deployment`, 'm'));
    }
    expect(await client.keys(`*${prefix}*`)).toEqual([deploymentKey(prefix)]);
  }, 2 * BOOT_TIMEOUT_MS);

  it('claims the prefix again after Redis restarted empty: at the next boot, and when a running worker reconnects', async () => {
    const prefix = `tenantry-lock-${randomBytes(4).toString('hex')}`;
    await client.set(deploymentKey(prefix), JSON.stringify({ systemIdentifier: '1', database: 'elsewhere' }));
    await Promise.all(processes.map((started) => started.stop()));
    await redis.stop();
    await redis.start();
    const worker = start('worker', { REDIS_KEY_PREFIX: prefix });
    await worker.waitFor(WORKER_READY, BOOT_TIMEOUT_MS);
    expect(JSON.parse((await client.get(deploymentKey(prefix)))!)).toMatchObject({ database: process.env.TEST_DATABASE_NAME });

    // Emptied again under a running worker: it claims the prefix again as it reconnects, no boot needed.
    await redis.stop();
    await redis.start();
    const startedAt = Date.now();
    while ((await client.get(deploymentKey(prefix)).catch(() => null)) === null) {
      if (Date.now() - startedAt > 60_000) throw new Error(`the claim did not come back:\n${worker.output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(JSON.parse((await client.get(deploymentKey(prefix)))!)).toMatchObject({ database: process.env.TEST_DATABASE_NAME });
    expect(worker.isRunning).toBe(true);
  }, 2 * BOOT_TIMEOUT_MS);
});
