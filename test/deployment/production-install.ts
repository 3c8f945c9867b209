import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { dockerignore, execForm, lastOf, readDockerfile, ROOT, Stage } from './dockerfile';

/**
 * The Dockerfile played on this machine, which cannot pull images: its build stage in a copy of
 * the build context (cached by the context's content, since a build takes minutes), its runtime
 * stage in a fresh directory (`npm ci --omit=dev` there, offline from the npm cache), and what the
 * image would run. Only these liberties are taken: the build stage's `npm ci` links this
 * checkout's node_modules (the same package-lock.json), npm commands get `--prefer-offline`,
 * `chown` is left to the image (this machine has no `node` user) and USER is not switched.
 */
export interface ProductionInstall {
  /** The runtime stage's WORKDIR here. */
  dir: string;
  /** The runtime stage's ENV. */
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  user: string | undefined;
  /** How long `npm ci --omit=dev` took, milliseconds. */
  installMs: number;
  remove(): void;
}

/** The build context: every file git knows or would know, less what .dockerignore leaves out. */
export function contextFiles(): string[] {
  const ignored = dockerignore();
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter((file) => file !== '' && !ignored(file) && existsSync(join(ROOT, file)));
}

function contextKey(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(ROOT, file))).update('\0');
  return hash.update(readFileSync(join(ROOT, 'Dockerfile'))).digest('hex').slice(0, 16);
}

const stage = (name: string): Stage => {
  const found = readDockerfile().find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
  return found;
};

/** A path the image names (absolute, or relative to the stage's WORKDIR) inside `dir`, the stage's WORKDIR here. */
function inStage(dir: string, workdir: string, path: string): string {
  const absolute = posix.resolve(workdir, path);
  const relative = posix.relative(workdir, absolute);
  if (relative.startsWith('..')) throw new Error(`${path} lies outside the WORKDIR ${workdir}`);
  return join(dir, relative);
}

/** COPY's arguments: its flags (--from, --chown) and sources then destination. */
function copyArgs(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

function copyFromContext(files: string[], sources: string[], target: string): void {
  for (const source of sources) {
    const prefix = source === '.' ? '' : `${source.replace(/\/+$/, '')}`;
    const chosen = files.filter((file) => prefix === '' || file === prefix || file.startsWith(`${prefix}/`));
    if (chosen.length === 0) throw new Error(`COPY ${source}: not in the build context`);
    for (const file of chosen) {
      const relative = prefix === '' ? file : file === prefix ? posix.basename(file) : file.slice(prefix.length + 1);
      mkdirSync(dirname(join(target, relative)), { recursive: true });
      cpSync(join(ROOT, file), join(target, relative));
    }
  }
}

/** A PATH where `chown` does nothing (ownership is the image's business; this machine has no node user). */
function shimPath(): string {
  const dir = join(tmpdir(), 'tenantry-image-shims');
  if (!existsSync(join(dir, 'chown'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'chown'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'chown'), 0o755);
  }
  return `${dir}:${process.env.PATH ?? ''}`;
}

function run(command: string, cwd: string, env: Record<string, string>): void {
  const offline = /^npm (ci|install)\b/.test(command) ? `${command} --prefer-offline --no-audit --no-fund` : command;
  const result = spawnSync('sh', ['-c', offline], { cwd, env: { ...process.env, ...env, PATH: shimPath() }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`RUN ${command} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * The build stage's result (its WORKDIR here), built once per build-context content: jest's
 * suites that need it share it, and a second run of the same sources reuses it.
 */
export function buildStage(): { dir: string; workdir: string } {
  const build = stage('build');
  const files = contextFiles();
  const dir = join(tmpdir(), `tenantry-image-build-${contextKey(files)}`);
  if (existsSync(join(dir, '.built'))) return reused(dir, build.workdir);
  // One build at a time: a suite that finds another building the same content waits for it.
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(dir, '.built'))) return reused(dir, build.workdir);
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    if (!existsSync(join(dir, '.built'))) {
      pruneOldBuilds();
      buildInto(dir, build, files);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return { dir, workdir: build.workdir };
}

/**
 * A build made by another checkout of the same sources links that checkout's node_modules (see
 * buildInto): once that checkout is gone the link dangles, so it is pointed at this one's.
 */
function reused(dir: string, workdir: string): { dir: string; workdir: string } {
  const link = join(dir, 'node_modules');
  if (!existsSync(link)) {
    const fresh = `${link}.${process.pid}-${Date.now()}`;
    symlinkSync(join(ROOT, 'node_modules'), fresh, 'dir');
    renameSync(fresh, link);
  }
  return { dir, workdir };
}

/** Builds of other sources left from earlier runs: removed after a day, so the temporary directory does not fill up. */
function pruneOldBuilds(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('tenantry-image-build-')) continue;
    const path = join(tmpdir(), name);
    if (Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 24 * 3600_000) rmSync(path, { recursive: true, force: true });
  }
}

function buildInto(dir: string, build: Stage, files: string[]): void {
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(partial, { recursive: true });
  const env: Record<string, string> = {};
  try {
    for (const { keyword, args } of build.instructions) {
      if (keyword === 'ENV') Object.assign(env, parseEnv(args));
      else if (keyword === 'COPY') {
        const { from, sources, destination } = copyArgs(args);
        if (from) throw new Error('the build stage copies from the context only');
        copyFromContext(files, sources, inStage(partial, build.workdir, destination));
      } else if (keyword === 'RUN') {
        if (args === 'npm ci') {
          // The same package-lock.json as this checkout's: link its node_modules instead of installing again.
          if (readFileSync(join(partial, 'package-lock.json'), 'utf8') !== readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) throw new Error('package-lock.json differs');
          symlinkSync(join(ROOT, 'node_modules'), join(partial, 'node_modules'), 'dir');
        } else run(args, partial, env);
      }
    }
    writeFileSync(join(partial, '.built'), new Date().toISOString());
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another suite finished the same build first
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

function parseEnv(args: string): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(args) ?? /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(args);
  if (!match) throw new Error(`ENV ${args}: write ENV NAME=value`);
  return { [match[1]!]: match[2]! };
}

/** The runtime stage in a fresh directory: its files copied, its RUN commands run (`npm ci --omit=dev` included). */
export function productionInstall(): ProductionInstall {
  const build = buildStage();
  const runtime = stage('runtime');
  const files = contextFiles();
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-image-runtime-'));
  const env: Record<string, string> = {};
  let installMs = 0;
  for (const { keyword, args } of runtime.instructions) {
    if (keyword === 'ENV') Object.assign(env, parseEnv(args));
    else if (keyword === 'COPY') {
      const { from, sources, destination } = copyArgs(args);
      const target = inStage(dir, runtime.workdir, destination);
      if (from === undefined) copyFromContext(files, sources, target);
      else if (from === 'build') {
        for (const source of sources) cpSync(inStage(build.dir, build.workdir, source), target, { recursive: true, dereference: false });
      } else throw new Error(`COPY --from=${from}: only the build stage is known`);
    } else if (keyword === 'RUN') {
      const started = Date.now();
      run(args, dir, env);
      if (args.startsWith('npm ci')) installMs = Date.now() - started;
    }
  }
  return {
    dir,
    env,
    entrypoint: execForm(lastOf(runtime, 'ENTRYPOINT') ?? '[]'),
    cmd: execForm(lastOf(runtime, 'CMD') ?? '[]'),
    user: lastOf(runtime, 'USER'),
    installMs,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
