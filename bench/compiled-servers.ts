/**
 * What the benchmarks run their API servers as: the API as `nest build` compiles it (what
 * `npm run start:prod` runs), and each server's small TypeScript entry in `bench/servers/`
 * transpiled to plain JavaScript (into `bench/servers/.build/`, git-ignored), started with only
 * tsconfig-paths preloaded (`SERVER_PRELOAD`), as `start:prod` runs. Not through ts-node's require
 * hook: ts-node loads Node's `repl`, and with it `domain`, which wraps every EventEmitter emit and
 * every callback from libuv of the process, and which production never loads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ts from 'typescript';

export const SERVER_PRELOAD = ['-r', 'tsconfig-paths/register'];
const COMPILED_DIR = join(__dirname, 'servers', '.build');

/** `nest build api` in a checkout (this one or a baseline's). */
export function buildApi(root: string, label = root): void {
  const started = Date.now();
  execFileSync('npx', ['nest', 'build', 'api'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`built ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** A server's TypeScript entry as CommonJS in bench/servers/.build/: what a benchmark forks. */
export function compiledEntry(entry: string): string {
  const compiled = join(COMPILED_DIR, basename(entry).replace(/\.ts$/, '.js'));
  const { outputText } = ts.transpileModule(readFileSync(entry, 'utf8'), {
    fileName: entry,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  mkdirSync(COMPILED_DIR, { recursive: true });
  writeFileSync(compiled, outputText);
  return compiled;
}

/**
 * The environment that makes a compiled server run `root`'s build: `BENCH_APP_ROOT` (whose `dist/`
 * it loads) and `TS_NODE_BASEURL` (so its `@tenantry/*` imports resolve into that `dist/`, as in
 * production).
 */
export const compiledAppEnv = (root: string): Record<string, string> => ({ BENCH_APP_ROOT: root, TS_NODE_BASEURL: join(root, 'dist') });

/**
 * The API of another git revision, exported (`git archive`) into the system's temporary directory
 * (outside the checkout, so neither jest nor tsc ever picks up its copies of the sources), this
 * checkout's node_modules linked, and built there: a change measured against what it replaces in
 * the same run. A build already there is reused when `reuseBuild` is set.
 */
export function prepareBaseline(checkout: string, ref: string, reuseBuild = false): string {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: checkout, encoding: 'utf8' }).trim();
  const root = join(tmpdir(), 'tenantry-bench-baseline', commit.slice(0, 12));
  if (!existsSync(join(root, 'dist', 'apps', 'api', 'src', 'app.module.js')) || !reuseBuild) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${root}"`], { cwd: checkout });
    symlinkSync(join(checkout, 'node_modules'), join(root, 'node_modules'));
    buildApi(root);
  }
  return root;
}
