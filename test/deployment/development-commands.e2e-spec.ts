import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { asRole, testServerUrl, withDatabase } from '../support/database-urls';
import { freePort } from '../support/own-redis';
import { dropDatabase } from '../support/scratch-database';
import { ROOT } from './dockerfile';
import { buildStage } from './production-install';
import { cleanEnv, runToEnd } from './processes';

async function holdPort(): Promise<{ port: number; server: Server; connections: Socket[] }> {
  const server = createServer();
  const connections: Socket[] = [];
  server.on('connection', (socket) => {
    connections.push(socket);
    socket.destroy();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server, connections };
}

const release = (server: Server) => new Promise((resolve) => server.close(resolve));

/** `npm run db:migrate` from the sources, in a working directory of its own (its `.env` there). */
const migrateFromSources = (cwd: string, env: Record<string, string>) =>
  runToEnd(
    process.execPath,
    ['-r', join(ROOT, 'node_modules/ts-node/register/transpile-only'), '-r', join(ROOT, 'node_modules/tsconfig-paths/register'), join(ROOT, 'apps/cli/src/migrate.ts')],
    { cwd, env: cleanEnv({ TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env }), timeoutMs: 120_000 },
  );

describe('npm start: ports another process holds', () => {
  let build: string;
  let dataDir: string;

  beforeAll(() => {
    build = buildStage().dir;
    dataDir = mkdtempSync(join(tmpdir(), 'tenantry-dev-data-'));
  }, 600_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** apps/dev as `npm start` runs it (compiled, the same code), in development with no DATABASE_URL. */
  const start = (env: Record<string, string>) =>
    runToEnd(process.execPath, ['dist/apps/dev/src/main.js'], {
      cwd: build,
      env: cleanEnv({ NODE_ENV: 'development', EMBEDDED_PG_DIR: join(dataDir, 'postgres'), MAIL_DIR: join(dataDir, 'mail'), LOG_LEVEL: 'silent', ...env }),
    });

  it('PORT in use: one line naming PORT, exit 1, and no banner of a database it would not serve', async () => {
    const held = await holdPort();
    try {
      const result = await start({ PORT: String(held.port), EMBEDDED_PG_PORT: String(await freePort()) });
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr.trim().split('\n') }).toEqual({
        code: 1,
        stdout: '',
        stderr: [`PORT ${held.port} (the HTTP port of the API) is already in use by another process: stop that process, or set PORT to a free port`],
      });
    } finally {
      await release(held.server);
    }
  });

  it('EMBEDDED_PG_PORT in use: one line naming EMBEDDED_PG_PORT, exit 1', async () => {
    const held = await holdPort();
    try {
      const result = await start({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(held.port) });
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr.trim().split('\n') }).toEqual({
        code: 1,
        stdout: '',
        stderr: [
          `EMBEDDED_PG_PORT ${held.port} (the embedded development PostgreSQL) is already in use by another process: stop that process, or set EMBEDDED_PG_PORT to a free port`,
        ],
      });
    } finally {
      await release(held.server);
    }
  });
});

describe('npm run db:migrate', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'tenantry-migrate-cwd-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('reads .env: migrates the MIGRATION_DATABASE_URL it names', async () => {
    const name = `tenantry_migrate_${randomBytes(4).toString('hex')}`;
    const admin = postgres(testServerUrl(), { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    try {
      const ownerUrl = withDatabase(testServerUrl(), name);
      writeFileSync(join(cwd, '.env'), `NODE_ENV=development\nMIGRATION_DATABASE_URL=${ownerUrl}\n`);
      const result = await migrateFromSources(cwd, {});
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`migrations applied to postgres://***@`);
      const app = postgres(asRole(ownerUrl, 'tenantry_app'), { max: 1, onnotice: () => undefined });
      try {
        expect(await app`select count(*)::int as tenants from tenants`).toEqual([{ tenants: 0 }]);
      } finally {
        await app.end();
      }
    } finally {
      await dropDatabase(name);
    }
  });

  it('in development without DATABASE_URL targets the embedded database on EMBEDDED_PG_PORT, not 5432', async () => {
    const held = await holdPort();
    try {
      writeFileSync(join(cwd, '.env'), `EMBEDDED_PG_PORT=${held.port}\n`);
      const result = await migrateFromSources(cwd, {});
      expect(result.code).toBe(1);
      expect(held.connections.length).toBeGreaterThan(0);
    } finally {
      await release(held.server);
    }
  });

  it('says plainly what to do when the embedded database is not running', async () => {
    const port = await freePort();
    const result = await migrateFromSources(cwd, { EMBEDDED_PG_PORT: String(port) });
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 1,
      stderr: `the development database (embedded PostgreSQL on 127.0.0.1:${port}) is not running: \`npm start\` starts and migrates it; to migrate another database set MIGRATION_DATABASE_URL`,
    });
  });
});
