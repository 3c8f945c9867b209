import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Every entry point starts with this: a `.env` in the working directory fills process.env. */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * The first call of every entry point that production runs (API, worker, operator commands).
 * Compiled (`node dist/...js`, what `npm run start:prod`, `start:worker:prod`, `db:migrate:prod`
 * and `admin:create:prod` run), the process is production whatever NODE_ENV the shell or `.env`
 * says: a build never falls back to the embedded database, the demo seed or the development
 * JWT secret. From the sources (ts-node, jest) NODE_ENV decides as usual. Then reads `.env`.
 */
export function startEntryPoint(entryFile: string): void {
  if (entryFile.endsWith('.js')) process.env.NODE_ENV = 'production';
  loadDotEnv();
}

/** A port another process holds, said in one sentence naming the variable to change. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
    what: string,
  ) {
    super(`${variable} ${port} (${what}) is already in use by another process: stop that process, or set ${variable} to a free port`);
    this.name = 'PortInUseError';
  }
}

/** Resolves when nothing listens on the port (any address), else rejects with PortInUseError. */
export async function assertPortFree(port: number, variable: string, what: string, host?: string): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(port, variable, what) : error),
    );
    server.listen({ port, host }, () => server.close(() => resolve()));
  });
}

/** Runs `stop` once on the first SIGINT or SIGTERM, then exits 0 (the entry points' graceful stop). */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let isStopping = false;
  const handle = async (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    await stop(signal);
    process.exit(0);
  };
  process.on('SIGINT', () => void handle('SIGINT'));
  process.on('SIGTERM', () => void handle('SIGTERM'));
}
