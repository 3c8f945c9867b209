import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(__dirname, '..', '..', '..');

/** What `npm run build` compiles for the API, the worker and the operator commands. */
const SOURCE_DIRS = ['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs'];
const CACHE = join(ROOT, 'node_modules', '.cache', 'tenantry-faults');

function sourceFiles(dir: string, files: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') sourceFiles(path, files);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** A digest of every compiled source and the build's tsconfigs: a build is reused while it matches. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const files = [...SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')].sort();
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export interface CompiledBuild {
  /** The output directory: `<dir>/apps/api/src/main.js`, as `npm run build` lays out `dist/`. */
  dir: string;
  /** `node` arguments and environment that run one of its entry points as `npm run start:prod` does. */
  command(entry: 'apps/api/src/main' | 'apps/worker/src/main' | 'apps/cli/src/migrate'): { args: string[]; env: Record<string, string> };
}

/**
 * The production build of the current sources: the same compiler and tsconfig as `npm run build`
 * (`nest build` runs tsc on tsconfig.build.json; the console is not needed here), written under
 * node_modules/.cache so the compiled files resolve the installed packages. Built once per source
 * state, so the fault suites of one run (and later runs on the same sources) share it; an older
 * build is removed when a new one is made.
 */
export async function compiledBuild(): Promise<CompiledBuild> {
  const dir = join(CACHE, sourceDigest());
  if (!existsSync(join(dir, 'apps', 'api', 'src', 'main.js')) || !existsSync(join(dir, '.complete'))) {
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', staging, '--sourceMap', 'false'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: Error & { stdout?: string }) => {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`the production build failed:\n${error.stdout ?? error.message}`);
    });
    writeFileSync(join(staging, '.complete'), new Date().toISOString());
    // Another run may have finished the same build meanwhile: either copy is the same.
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
    for (const entry of existsSync(CACHE) ? readdirSync(CACHE) : []) {
      const path = join(CACHE, entry);
      // Only finished older builds; a staging directory of a run still compiling is left alone.
      if (path !== dir && /^[0-9a-f]{16}$/.test(entry) && Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true });
    }
  }
  return {
    dir,
    command: (entry) => ({
      args: ['-r', join(ROOT, 'node_modules', 'tsconfig-paths', 'register'), join(dir, `${entry}.js`)],
      env: { TS_NODE_BASEURL: dir, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    }),
  };
}
