import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Runs test/support/close-queue-early.ts with one kind of queue: its exit code and output. */
function closeEarly(kind: 'plain' | 'safe'): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'test/support/close-queue-early.ts', kind], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the output read to its end.
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

// Shutdown while Redis goes away closes queues whose connection never became ready. BullMQ reports
// that failed start-up later, as an 'error' on a connection close() already stripped of listeners,
// and the process died (seen as jest itself dying mid-run).
describe('a queue closed before its Redis connection was ready', () => {
  it("kills the process with BullMQ's own Queue: the failure this guards against is real", async () => {
    const { code, output } = await closeEarly('plain');
    expect(code).not.toBe(0);
    expect(output).not.toContain('survived');
  });

  it("leaves the process running with the product's SafeQueue", async () => {
    const { code, output } = await closeEarly('safe');
    expect(output).toContain('survived');
    expect(code).toBe(0);
  });
});

describe('every queue and worker the product makes', () => {
  it('is a SafeQueue or SafeWorker (libs/queues/src/bull-classes.ts)', async () => {
    const { productSourceFiles, readSource } = await import('../support/source-files');
    const direct = productSourceFiles().filter((file) => /new (Queue|Worker|QueueEvents|FlowProducer)\s*[<(]/.test(readSource(file)));
    expect(direct).toEqual([]);
    expect(productSourceFiles().filter((file) => readSource(file).includes('new SafeWorker')).length).toBeGreaterThan(3);
  });
});
