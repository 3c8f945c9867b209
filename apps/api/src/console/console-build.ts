import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The console's sources and its build (git-ignored), relative to the repository root. */
export const CONSOLE_SOURCE_DIR = resolve(process.cwd(), 'apps/console');
export const CONSOLE_BUILD_DIR = join(CONSOLE_SOURCE_DIR, 'dist');
const BUILD_MARK = join(CONSOLE_BUILD_DIR, 'index.html');
const SOURCES = [join(CONSOLE_SOURCE_DIR, 'src'), join(CONSOLE_SOURCE_DIR, 'index.html'), join(CONSOLE_SOURCE_DIR, 'vite.config.mts'), resolve(process.cwd(), 'libs/client/src')];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

/** True when the console has no build, or a source changed after it was built. */
export function isConsoleBuildStale(): boolean {
  if (!existsSync(BUILD_MARK)) return true;
  const builtAt = statSync(BUILD_MARK).mtimeMs;
  return SOURCES.some((source) => newestChange(source) > builtAt);
}

/** `vite build` of the console (what `npm run build:console` runs), in its own process. */
export function buildConsole(): void {
  const vite = resolve(process.cwd(), 'node_modules/vite/bin/vite.js');
  // A production bundle whatever NODE_ENV the caller runs under (jest sets `test`, which would
  // otherwise bundle React's development build, twice as large and running every effect twice).
  execFileSync(process.execPath, [vite, 'build', '--config', join(CONSOLE_SOURCE_DIR, 'vite.config.mts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Builds the console when it is missing or older than its sources; answers whether it built. */
export function ensureConsoleBuilt(): boolean {
  if (!isConsoleBuildStale()) return false;
  buildConsole();
  return true;
}
