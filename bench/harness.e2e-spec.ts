import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { median, processCpuSeconds, runLoad } from './harness';

// Keeps the benchmark harness from rotting: a sub-second load against a trivial local server.
describe('bench harness', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports throughput, percentiles and the CPU of both sides', async () => {
    const result = await runLoad({ origin, targets: [{ path: '/a' }, { path: '/b' }], connections: 2, seconds: 1, serverPid: process.pid });
    expect(result.requests).toBeGreaterThan(10);
    expect(result.perSecond).toBeGreaterThan(10);
    expect(result.errors).toBe(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(result.cpu.generator).toBeGreaterThan(0);
    expect(result.cpu.server).toBeGreaterThan(0);
    expect(result.cpuPerRequest.generator).toBeGreaterThan(0);
    expect(result.cpuPerRequest.server).toBeGreaterThan(0);
  });

  it('counts unexpected statuses as errors', async () => {
    const result = await runLoad({ origin, targets: [{ path: '/missing' }], connections: 1, seconds: 1 });
    expect(result.errors).toBe(result.requests);
  });

  it('reads the CPU time of another process', async () => {
    // Busy until killed: read its CPU time once it has had some, however slowly it starts.
    const child = spawn(process.execPath, ['-e', 'for (;;);']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!((processCpuSeconds(child.pid!) ?? 0) > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processCpuSeconds(child.pid!)).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
