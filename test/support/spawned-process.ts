import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The entry points a test may run as a real child process, exactly as their npm scripts do. */
export const ENTRY_POINTS = {
  api: 'apps/api/src/main.ts',
  worker: 'apps/worker/src/main.ts',
  /** `npm start`: the all-in-one of development (API, worker, the console through Vite). */
  dev: 'apps/dev/src/main.ts',
} as const;

/** A product process started by a test: its output so far, its exit, and a way to stop it. */
export class SpawnedProcess {
  private text = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    // 'close', not 'exit': by then `output` holds everything the process printed.
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  get output(): string {
    return this.text;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `pattern` appears in the output; rejects with the output when the process exits first or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text)) {
      if (!this.isRunning) throw new Error(`the process exited before printing ${pattern}:\n${this.text}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.isRunning) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** A production build that can run the API's or the worker's compiled main (test/faults/support/compiled-build.ts). */
export interface CompiledEntryPoints {
  command(entry: 'apps/api/src/main' | 'apps/worker/src/main'): { args: string[]; env: Record<string, string> };
}

/**
 * Starts `npm run start:worker`, `npm start` or the API's main with the test's environment and
 * `env` on top; with `compiled`, the API or worker of that build, as `npm run start:prod` runs it.
 */
export function spawnEntryPoint(entry: keyof typeof ENTRY_POINTS, env: Record<string, string | undefined>, compiled?: CompiledEntryPoints): SpawnedProcess {
  if (compiled && entry === 'dev') throw new Error('spawnEntryPoint: npm start has no compiled entry point');
  const built = compiled?.command(entry === 'api' ? 'apps/api/src/main' : 'apps/worker/src/main');
  const args = built ? built.args : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', ENTRY_POINTS[entry]];
  return new SpawnedProcess(
    spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env, ...built?.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}
