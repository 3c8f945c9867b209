import { execFile, ExecFileOptions, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

/** Where Debian puts the server binaries; POSTGRES_BIN_DIR for another layout. */
export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * PostgreSQL and PgBouncer refuse to run as root: as root, the harness runs them as the
 * `postgres` system user (Debian's packages create it) and hands it their directories.
 */
export function serviceUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root and there is no postgres user to run PostgreSQL and PgBouncer as');
  return { uid, gid };
}

export function ownedDirectory(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const user = serviceUser();
  if (user) chownSync(path, user.uid, user.gid);
  return path;
}

const run = async (command: string, args: string[], options: ExecFileOptions = {}) => {
  const user = serviceUser();
  try {
    return await promisify(execFile)(command, args, { ...options, ...(user ?? {}), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
};

/**
 * A PostgreSQL cluster of this test's own (initdb into a temporary directory, trust auth, a free
 * loopback port, no Unix socket), so it can be restarted and its backends terminated without
 * touching the shared server. Stopped by its postmaster's PID.
 */
export class OwnPostgres {
  readonly dataDir: string;

  constructor(
    readonly baseDir: string,
    readonly port: number,
  ) {
    this.dataDir = join(baseDir, 'pgdata');
  }

  /** The superuser on `database`. */
  url(database = 'postgres', user = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  get logFile(): string {
    return join(this.baseDir, 'postgres.log');
  }

  async start(): Promise<void> {
    ownedDirectory(this.baseDir);
    await run(join(POSTGRES_BIN_DIR, 'initdb'), ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C.UTF-8']);
    await this.pgCtl('start');
  }

  /** `pg_ctl restart -m fast`: every session is ended, then the server comes back on the same port. */
  async restart(): Promise<void> {
    await run(join(POSTGRES_BIN_DIR, 'pg_ctl'), ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', '-l', this.logFile, '-o', this.serverOptions(), 'restart']);
  }

  /** Ends the sessions of the backends that match `where` (a condition on pg_stat_activity); how many. */
  async terminate(where: string): Promise<number> {
    const sql = postgres(this.url(), { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql.unsafe<{ terminated: boolean }[]>(
        `select pg_terminate_backend(pid) as terminated from pg_stat_activity where pid <> pg_backend_pid() and (${where})`,
      );
      return rows.filter((row) => row.terminated).length;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  get pid(): number | undefined {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Immediate stop by the postmaster's PID (its children follow it). */
  async stop(): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      return;
    }
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }

  logTail(lines = 40): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  private serverOptions(): string {
    // No durability is needed of a throwaway cluster; the connection limit leaves room for the pools and probes.
    return [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      "-c unix_socket_directories=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=120',
      '-c shared_buffers=32MB',
    ].join(' ');
  }

  private async pgCtl(action: 'start'): Promise<void> {
    await run(join(POSTGRES_BIN_DIR, 'pg_ctl'), ['-D', this.dataDir, '-w', '-t', '60', '-l', this.logFile, '-o', this.serverOptions(), action]);
  }
}
