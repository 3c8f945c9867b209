import { ChildProcess, spawn } from 'node:child_process';

const MAX_OUTPUT = 256 * 1024;

/** One compiled product process (API or worker) run as production runs it, stopped by its PID. */
export class ProductProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private log = '';

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
    cwd: string,
  ) {
    this.child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.log += chunk.toString();
      if (this.log.length > MAX_OUTPUT) this.log = this.log.slice(-MAX_OUTPUT / 2);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get isAlive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get output(): string {
    return this.log;
  }

  /** Log lines at error level or above (pino JSON: level 50 and 60), and anything that is not JSON. */
  problems(): string[] {
    return this.log
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        try {
          return (JSON.parse(line) as { level?: number }).level! >= 50;
        } catch {
          return true;
        }
      });
  }

  describe(): string {
    return `${this.name} (pid ${this.pid}, ${this.isAlive ? 'alive' : `exited ${this.child.exitCode ?? this.child.signalCode}`}):\n${this.log.slice(-6000)}`;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.isAlive) process.kill(this.pid, signal);
  }

  async stop(): Promise<void> {
    if (!this.isAlive) return;
    this.signal('SIGKILL');
    await this.exited;
  }
}
