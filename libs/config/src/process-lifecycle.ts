import { existsSync } from 'node:fs';

/** Every entry point starts with this: a `.env` in the working directory fills process.env. */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
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
