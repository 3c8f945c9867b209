import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/own-redis';

/**
 * A PostgreSQL cluster of this test's own (initdb in a temporary folder, a free loopback port),
 * with password authentication over TCP as production has it: a superuser `postgres` with a
 * random password, SCRAM for every host connection. Stopped with its own pg_ctl, never the shared one.
 */
export interface ScratchCluster {
  port: number;
  superuserPassword: string;
  /** A URL of the superuser on a database of this cluster. */
  url(database: string, user?: string, password?: string): string;
  stop(): void;
}

const asPostgres = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

function run(command: string, args: string[]): void {
  const [file, argv] = asPostgres(command, args);
  execFileSync(file, argv, { stdio: 'pipe', timeout: 120_000 });
}

export async function startScratchCluster(): Promise<ScratchCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-cluster-'));
  const data = join(dir, 'data');
  const superuserPassword = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pwfile'), `${superuserPassword}\n`);
  if (process.getuid?.() === 0) {
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const postgresGid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, postgresUid, postgresGid);
    chownSync(join(dir, 'pwfile'), postgresUid, postgresGid);
  }
  run('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${join(dir, 'pwfile')}`, '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    port,
    superuserPassword,
    url: (database, user = 'postgres', password = superuserPassword) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
