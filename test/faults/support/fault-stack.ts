import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { hashPassword } from '@tenantry/auth';
import { freePort, OwnRedis } from '../../support/own-redis';
import { CompiledBuild, compiledBuild } from './compiled-build';
import { OwnPgBouncer, PgBouncerOptions } from './own-pgbouncer';
import { ownedDirectory, OwnPostgres } from './own-postgres';
import { ProductProcess } from './product-process';

export const DATABASE = 'tenantry';

export interface StackTenant {
  id: string;
  slug: string;
  /** `Bearer <access token>` of its owner. */
  auth: string;
}

export interface FaultStackOptions {
  pgbouncer: PgBouncerOptions;
}

/** The suites load tenants harder than a plan's burst allows on a fast machine: the rate limit is not what they test. */
const NO_RATE_LIMIT = { limits: { requests_per_minute: 10_000_000, requests_burst: 10_000_000 } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A whole deployment of this test's own: a PostgreSQL cluster, PgBouncer in transaction mode in
 * front of it, a Redis, the database migrated with the product's compiled migration command, and
 * the compiled API and worker started as `npm run start:prod` / `start:worker:prod` run them,
 * connected as the app and system roles through PgBouncer with `DB_PREPARE=false`. Nothing of the
 * shared PostgreSQL or Redis is used. `stop()` ends every process by PID and removes the files.
 */
export class FaultStack {
  readonly dir: string;
  postgres!: OwnPostgres;
  pgbouncer!: OwnPgBouncer;
  redis!: OwnRedis;
  build!: CompiledBuild;
  /** Superuser on the cluster's database, direct (not through PgBouncer). */
  owner!: postgres.Sql;
  readonly processes: ProductProcess[] = [];
  readonly redisPrefix = `tenantry-faults-${randomBytes(4).toString('hex')}`;
  private readonly secrets = { JWT_SECRET: randomBytes(32).toString('hex'), MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}` };

  constructor(private readonly options: FaultStackOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'tenantry-faults-'));
  }

  async start(): Promise<void> {
    ownedDirectory(this.dir);
    // The build (tsc) and the cluster's initdb run side by side.
    const [build] = await Promise.all([
      compiledBuild(),
      (async () => {
        this.postgres = new OwnPostgres(join(this.dir, 'postgres'), await freePort());
        await this.postgres.start();
      })(),
    ]);
    this.build = build;
    const admin = postgres(this.postgres.url(), { max: 1, onnotice: () => undefined });
    try {
      await admin.unsafe(`create database ${DATABASE}`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    await this.migrate();
    this.owner = postgres(this.postgres.url(DATABASE), { max: 4, onnotice: () => undefined });
    this.pgbouncer = new OwnPgBouncer(ownedDirectory(join(this.dir, 'pgbouncer')), await freePort(), this.postgres.port, this.options.pgbouncer);
    await this.pgbouncer.start();
    this.redis = new OwnRedis(await freePort());
    await this.redis.start();
  }

  /** `npm run db:migrate` as the compiled build runs it (`node dist/apps/cli/src/migrate.js`). */
  private async migrate(): Promise<void> {
    const { args, env } = this.build.command('apps/cli/src/migrate');
    await promisify(execFile)(process.execPath, args, {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? '', ...env, MIGRATION_DATABASE_URL: this.postgres.url(DATABASE) },
    }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`migration failed: ${error.message}\n${error.stderr ?? ''}`);
    });
  }

  /** The environment of a production process of this deployment, and nothing of the test's own. */
  environment(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      NODE_ENV: 'production',
      DATABASE_URL: this.pgbouncer.url(DATABASE, 'tenantry_app'),
      SYSTEM_DATABASE_URL: this.pgbouncer.url(DATABASE, 'tenantry_system'),
      MIGRATION_DATABASE_URL: this.postgres.url(DATABASE),
      DB_PREPARE: 'false',
      REDIS_URL: this.redis.url,
      REDIS_KEY_PREFIX: this.redisPrefix,
      ...this.secrets,
      MAIL_DISABLED: 'true',
      EXPORT_DIR: join(this.dir, 'exports'),
      LOG_LEVEL: 'warn',
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      QUOTA_EVALUATION_INTERVAL_MS: '3600000',
      ...overrides,
    };
  }

  /** The compiled API on a free port, once `/health/ready` answers 200. */
  async startApi(overrides: Record<string, string> = {}): Promise<{ api: ProductProcess; base: string }> {
    const port = await freePort();
    const { args, env } = this.build.command('apps/api/src/main');
    const api = new ProductProcess('api', args, { ...this.environment({ PORT: String(port), ...overrides }), ...env }, this.dir);
    this.processes.push(api);
    const base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt += 1) {
      if (!api.isAlive) throw new Error(`the API exited at start-up: ${api.describe()}`);
      const status = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 0);
      if (status === 200) return { api, base };
      if (attempt > 300) throw new Error(`the API did not become ready: ${api.describe()}`);
      await sleep(200);
    }
  }

  /** The compiled worker, its health port a free one (its work shows in the database). */
  async startWorker(overrides: Record<string, string> = {}): Promise<ProductProcess> {
    const { args, env } = this.build.command('apps/worker/src/main');
    const worker = new ProductProcess('worker', args, { ...this.environment({ WORKER_PORT: String(await freePort()), ...overrides }), ...env }, this.dir);
    this.processes.push(worker);
    return worker;
  }

  /** Tenants on the enterprise plan, each with an owner signed in through the API. */
  async createTenants(base: string, count: number, prefix: string): Promise<StackTenant[]> {
    const password = `faults-${randomBytes(6).toString('hex')}`;
    const passwordHash = await hashPassword(password);
    const tenants: StackTenant[] = [];
    for (let i = 0; i < count; i += 1) {
      const slug = `${prefix}-${i}-${randomBytes(3).toString('hex')}`;
      const [tenant] = await this.owner<{ id: string }[]>`insert into tenants (slug, name, plan, config) values (${slug}, ${`Tenant ${slug}`}, 'enterprise', ${this.owner.json(NO_RATE_LIMIT)}) returning id`;
      await this.owner`insert into users (tenant_id, email, password_hash, role) values (${tenant!.id}, ${`owner@${slug}.test`}, ${passwordHash}, 'owner')`;
      const login = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: slug, email: `owner@${slug}.test`, password }),
      });
      if (login.status !== 200) throw new Error(`login of ${slug} answered ${login.status}: ${await login.text()}`);
      const { accessToken } = (await login.json()) as { accessToken: string };
      tenants.push({ id: tenant!.id, slug, auth: `Bearer ${accessToken}` });
    }
    return tenants;
  }

  /** The tenants' rolled-up `api_calls` (month granularity), summed. */
  async rolledUpApiCalls(tenantIds: string[]): Promise<number> {
    const [row] = await this.owner<{ total: string | null }[]>`
      select sum(value) as total from usage_rollups where tenant_id = any(${tenantIds}) and metric = 'api_calls' and granularity = 'month'`;
    return Number(row?.total ?? 0);
  }

  async stop(): Promise<void> {
    for (const child of this.processes) await child.stop().catch(() => undefined);
    await this.owner?.end({ timeout: 2 }).catch(() => undefined);
    await this.pgbouncer?.stop().catch(() => undefined);
    await this.redis?.stop().catch(() => undefined);
    await this.postgres?.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
