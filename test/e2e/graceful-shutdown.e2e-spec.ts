import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { hashPassword } from '@tenantry/auth';
import type { UsageBatchJobData } from '@tenantry/queues';
import { randomSlug } from '../factories';
import { keepAliveLoad } from '../support/keep-alive-load';
import { usageEventsQueue, waitFor } from '../support/metering';
import { freePort } from '../support/own-redis';

const root = join(__dirname, '..', '..');

/**
 * The real API as a child process (production mode, JSON logs): SIGTERM under load must let every
 * accepted request finish, exit 0, and no log line may hold a credential.
 */
describe('graceful shutdown and request logs', () => {
  it('finishes in-flight requests on SIGTERM, exits 0, and logs one redacted JSON line per request', async () => {
    const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 1, onnotice: () => undefined });
    const slug = randomSlug('shutdown');
    const password = 'shutdown-secret-password';
    const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${slug}, 'S', 'enterprise') returning id`;
    await owner`insert into users (tenant_id, email, password_hash, role) values (${tenant!.id}, 'o@s.test', ${await hashPassword(password)}, 'owner')`;
    await owner.end();

    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], {
      cwd: root,
      // A flush interval far beyond the test: only the shutdown's own flush can deliver the usage events.
      env: { ...process.env, NODE_ENV: 'production', MAIL_DISABLED: 'true', PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '10000', METERING_FLUSH_INTERVAL_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close', not 'exit': the log lines read below are all in `output` by then.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let attempt = 0; ; attempt += 1) {
        const ready = await fetch(`${base}/health/live`).then((r) => r.ok, () => false);
        if (ready) break;
        // ts-node compiles the whole app at start-up: close to a minute on a machine busy with other work.
        if (attempt > 600) throw new Error(`the API did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const login = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: slug, email: 'o@s.test', password }),
      });
      const { accessToken, refreshToken } = (await login.json()) as { accessToken: string; refreshToken: string };
      expect(login.status).toBe(200);

      const headers = { authorization: `Bearer ${accessToken}`, connection: 'close' };
      const inFlight = Array.from({ length: 40 }, () =>
        fetch(`${base}/v1/projects`, { headers }).then(
          (response) => ({ status: response.status, error: undefined as string | undefined }),
          (error: Error & { cause?: { code?: string } }) => ({ status: 0, error: error.cause?.code ?? error.message }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGTERM');
      // While draining, readiness says so (once the child has taken the signal).
      let readiness = await fetch(`${base}/health/ready`, { headers: { connection: 'close' } });
      for (let attempt = 0; readiness.status === 200 && attempt < 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        readiness = await fetch(`${base}/health/ready`, { headers: { connection: 'close' } });
      }
      expect(readiness.status).toBe(503);
      const results = await Promise.all(inFlight);
      expect(await exited).toBe(0);

      // Accepted requests completed; a request that came after the close was refused, never reset.
      expect(results.filter((r) => r.status !== 200 && r.error !== 'ECONNREFUSED')).toEqual([]);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);

      // Every answered request was metered and reached the queue before exit: a graceful stop loses no usage.
      const queue = usageEventsQueue();
      try {
        const batches = await queue.getJobs(['waiting', 'active', 'delayed', 'completed']);
        const events = batches.flatMap((job) => (job.data as UsageBatchJobData).events).filter((event) => event.tenantId === tenant!.id);
        expect(events).toHaveLength(results.filter((r) => r.status !== 0).length);
        expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
      } finally {
        await queue.close();
      }

      const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);
      const requestLines = lines.filter((line) => line.req && line.res);
      const loginLine = requestLines.find((line) => line.req.url === '/v1/auth/login');
      expect(loginLine).toMatchObject({ res: { statusCode: 200 }, responseTime: expect.any(Number), req: { id: expect.any(String) } });
      const projectLine = requestLines.find((line) => line.req.url === '/v1/projects');
      expect(projectLine).toMatchObject({ route: '/v1/projects', tenantId: tenant!.id, actor: expect.stringMatching(/^user:/), req: { headers: { authorization: '[redacted]' } } });
      expect(output).not.toContain(password);
      expect(output).not.toContain(accessToken);
      expect(output).not.toContain(refreshToken);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180000);
  it('under keep-alive load answers Connection: close, exits by SHUTDOWN_TIMEOUT_MS, and meters every answer', async () => {
    const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 1, onnotice: () => undefined });
    const slug = randomSlug('keepalive');
    const password = 'keepalive-secret-password';
    // No rate limit in the way: a fast machine sends more than the enterprise burst in the grace.
    const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan, config) values (${slug}, 'K', 'enterprise', ${owner.json({ limits: { requests_per_minute: 10_000_000, requests_burst: 10_000_000 } })}) returning id`;
    await owner`insert into users (tenant_id, email, password_hash, role) values (${tenant!.id}, 'o@k.test', ${await hashPassword(password)}, 'owner')`;
    await owner.end();

    const port = await freePort();
    const timeoutMs = 6000;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', MAIL_DISABLED: 'true', PORT: String(port), LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000', SHUTDOWN_TIMEOUT_MS: String(timeoutMs), METERING_FLUSH_INTERVAL_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let attempt = 0; ; attempt += 1) {
        if (await fetch(`${base}/health/live`).then((r) => r.ok, () => false)) break;
        if (attempt > 600) throw new Error(`the API did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const login = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: slug, email: 'o@k.test', password }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };

      // A client that never finishes its body: only the deadline ends its connection.
      const trickler = connect(port, '127.0.0.1');
      trickler.on('error', () => undefined);
      const tricklerClosed = new Promise<number>((resolve) => trickler.once('close', () => resolve(Date.now())));
      trickler.write(`POST /v1/projects HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${accessToken}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`);
      const trickle = setInterval(() => trickler.write(' '), 300);

      const load = keepAliveLoad(`${base}/v1/projects`, { authorization: `Bearer ${accessToken}` }, 16);
      // The load under way, its clients answered on their kept-alive connections, before the signal.
      await waitFor('the keep-alive load to be answered', async () => (load.result.statuses[200] ?? 0) >= 32, 60_000);
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const results = await load.done;
      const code = await exited;
      const exitedAt = Date.now();
      clearInterval(trickle);
      const tricklerClosedAt = await tricklerClosed;

      const answered = Object.values(results.statuses).reduce((sum, n) => sum + n, 0);
      console.log(`[keep-alive shutdown] answered ${answered} ${JSON.stringify(results.statuses)}, refused ${JSON.stringify(results.errors)}, Connection: close answers ${results.closeAnswers}, last answer ${results.lastAnswerAt - signalledAt} ms and exit ${exitedAt - signalledAt} ms after SIGTERM, trickler closed after ${tricklerClosedAt - signalledAt} ms`);
      expect(code).toBe(0);
      // Every loop ended on a connection the server never accepted: refused, or reset by the kernel
      // for sitting in the accept queue as the listener closed (its request was never read). No
      // request sent on an open keep-alive connection was dropped.
      expect(Object.keys(results.errors).filter((key) => !['new:ECONNREFUSED', 'new:ECONNRESET'].includes(key))).toEqual([]);
      expect(Object.keys(results.statuses)).toEqual(['200']);
      expect(results.closeAnswers).toBeGreaterThanOrEqual(16);
      // Keep-alive clients are not served past the grace (plus the requests open at that moment).
      expect(results.lastAnswerAt - signalledAt).toBeLessThan(timeoutMs - 2000);
      // The open upload was closed at the deadline, and the process exited right after.
      expect(tricklerClosedAt - signalledAt).toBeGreaterThanOrEqual(timeoutMs - 200);
      expect(exitedAt - signalledAt).toBeLessThan(timeoutMs + 3000);

      const queue = usageEventsQueue();
      try {
        const batches = await queue.getJobs(['waiting', 'active', 'delayed', 'completed']);
        const events = batches.flatMap((job) => (job.data as UsageBatchJobData).events).filter((event) => event.tenantId === tenant!.id);
        // The login is no tenant call; every answered /v1/projects is one event.
        expect(events).toHaveLength(answered);
        expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
      } finally {
        await queue.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180000);
});
