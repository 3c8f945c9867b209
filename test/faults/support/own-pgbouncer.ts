import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { serviceUser } from './own-postgres';

export interface PgBouncerOptions {
  /** Server connections per (database, user) pair: below the client count, so they are shared. */
  defaultPoolSize: number;
  /** Extra `[pgbouncer]` settings, e.g. `{ query_wait_timeout: '120' }`. */
  settings?: Record<string, string>;
}

/** A server connection as `SHOW SERVERS` lists it. */
export interface PgBouncerServer {
  user: string;
  database: string;
  state: string;
  remote_pid: number;
}

/**
 * Debian's PgBouncer of this test's own, in transaction pooling mode in front of an OwnPostgres:
 * every transaction of a client may run on another server connection, and one server connection
 * serves many clients one transaction after another. Trust auth, loopback only, admin console
 * for the `postgres` user. Stopped by PID.
 */
export class OwnPgBouncer {
  private process: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly baseDir: string,
    readonly port: number,
    readonly serverPort: number,
    readonly options: PgBouncerOptions,
  ) {}

  url(database: string, user: string): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  get logFile(): string {
    return join(this.baseDir, 'pgbouncer.log');
  }

  async start(): Promise<void> {
    const config = join(this.baseDir, 'pgbouncer.ini');
    writeFileSync(join(this.baseDir, 'userlist.txt'), ['postgres', 'tenantry_app', 'tenantry_system'].map((user) => `"${user}" ""`).join('\n') + '\n');
    const settings: Record<string, string> = {
      listen_addr: '127.0.0.1',
      listen_port: String(this.port),
      unix_socket_dir: '',
      auth_type: 'trust',
      auth_file: join(this.baseDir, 'userlist.txt'),
      pool_mode: 'transaction',
      default_pool_size: String(this.options.defaultPoolSize),
      min_pool_size: '0',
      reserve_pool_size: '0',
      max_client_conn: '2000',
      admin_users: 'postgres',
      stats_users: 'postgres',
      logfile: this.logFile,
      pidfile: join(this.baseDir, 'pgbouncer.pid'),
      log_connections: '0',
      log_disconnections: '0',
      ...this.options.settings,
    };
    writeFileSync(
      config,
      [
        '[databases]',
        `* = host=127.0.0.1 port=${this.serverPort}`,
        '[pgbouncer]',
        ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
        '',
      ].join('\n'),
    );
    const user = serviceUser();
    this.process = spawn(existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer', [config], { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (this.process.exitCode !== null) break;
      const isListening = await new Promise<boolean>((resolve) => {
        const socket = createConnection(this.port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (isListening) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`pgbouncer on ${this.port} did not start:\n${this.output}\n${this.logTail()}`);
  }

  /** The admin console (`SHOW ...` only speaks the simple protocol). */
  async show<T extends object>(what: 'SERVERS' | 'POOLS' | 'CLIENTS' | 'STATS'): Promise<T[]> {
    const admin = postgres(this.url('pgbouncer', 'postgres'), { max: 1, prepare: false, fetch_types: false, onnotice: () => undefined });
    try {
      return [...(await admin.unsafe<T[]>(`show ${what.toLowerCase()}`).simple())];
    } finally {
      await admin.end({ timeout: 2 });
    }
  }

  logTail(lines = 40): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
