/**
 * Child process of `npm run bench:webhooks`: the real API as `nest build` compiled it (AppModule,
 * configureApp, from the `dist/` of `BENCH_APP_ROOT`, its `@tenantry/*` imports resolved into that
 * `dist/` as in production; see ../compiled-servers.ts) on an ephemeral port of 127.0.0.1,
 * configured by the environment the bench gives it. With
 * `BENCH_OUTBOX=off` its EventLog writes nothing (no event row, no after-commit hint): the write
 * path without webhooks, a provider override only the bench makes; `BENCH_OUTBOX=nohint` writes
 * the event but sends no after-commit hint. Tells its parent the port over
 * IPC and stops when the parent says so.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/** Calls `onWrite` with each socket write's socket and first argument, before the write itself. */
function watchSocketWrites(onWrite: (socket: net.Socket, chunk: unknown) => void): void {
  const original = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    onWrite(this, args[0]);
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof original;
}

/** BENCH_COUNT_WRITES=1: socket writes per request by remote port, on stderr as the process stops. */
function countSocketWrites(): () => string {
  const counts = new Map<string, number>();
  watchSocketWrites((socket) => {
    const key = String(socket.remotePort ?? 'unknown');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return () => [...counts].map(([port, count]) => `${port}: ${count}`).join(', ');
}

/** BENCH_TRACE_WRITES=<n>: the messages of each write to PostgreSQL during the nth request, on stderr. */
function traceWrites(nth: number, requestNumber: () => number): void {
  // Statements prepared on any connection, by name: a Bind of one shows the start of its text.
  const statements = new Map<string, string>();
  const text = (value: string) => value.replace(/\s+/g, ' ').slice(0, 50);
  watchSocketWrites((socket, chunk) => {
    if (socket.remotePort !== 5432 || !Buffer.isBuffer(chunk)) return;
    const messages: string[] = [];
    for (let at = 0; at < chunk.length; ) {
      const type = String.fromCharCode(chunk[at]!);
      const length = chunk.readInt32BE(at + 1);
      const [first, second] = chunk.subarray(at + 5, at + 1 + length).toString('utf8').split('\0');
      if (type === 'P') {
        if (first) statements.set(first, second!);
        messages.push(`P(${first ? 'named' : 'unnamed'}: ${text(second!)})`);
      } else if (type === 'B') messages.push(second ? `B(${text(statements.get(second) ?? second)})` : 'B');
      else if (type === 'Q') messages.push(`Q(${text(first!)})`);
      else messages.push(type);
      at += 1 + length;
    }
    if (requestNumber() >= nth && requestNumber() <= nth + 1) console.error(`request ${requestNumber()} write: ${messages.join(' ')}`);
  });
}

async function main(): Promise<void> {
  const report = process.env.BENCH_COUNT_WRITES ? countSocketWrites() : undefined;
  let requests = 0;
  if (process.env.BENCH_TRACE_WRITES) traceWrites(Number(process.env.BENCH_TRACE_WRITES), () => requests);
  const dist = join(process.env.BENCH_APP_ROOT!, 'dist');
  // Loaded only now, from the build: the config module validates process.env when the graph loads.
  const { AppModule } = (await import(join(dist, 'apps', 'api', 'src', 'app.module.js'))) as { AppModule: new () => unknown };
  const { configureApp, API_APP_OPTIONS = {} } = (await import(join(dist, 'apps', 'api', 'src', 'configure-app.js'))) as {
    configureApp(app: INestApplication): INestApplication;
    API_APP_OPTIONS?: NestApplicationOptions;
  };
  // The same module the build's AppModule loads for @tenantry/events, so the overrides below match its providers.
  const { EventLog, EventNotifier } = (await import(join(dist, 'libs', 'events', 'src', 'index.js'))) as typeof import('@tenantry/events');
  let builder = Test.createTestingModule({ imports: [AppModule] });
  // `nohint`: the event row is written, the after-commit hint to the dispatcher is not (what the hint costs).
  if (process.env.BENCH_OUTBOX === 'nohint') builder = builder.overrideProvider(EventNotifier).useValue({ committed: () => undefined });
  if (process.env.BENCH_OUTBOX === 'off') builder = builder.overrideProvider(EventLog).useValue({ record: async () => randomUUID(), recordFor: async () => randomUUID(), takePending: () => [], flush: () => undefined });
  const app = configureApp((await builder.compile()).createNestApplication({ ...API_APP_OPTIONS, logger: ['error'] }));
  await app.listen(0, '127.0.0.1');
  app.getHttpServer().on('request', () => requests++);
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message) => {
    if (message === 'stop') {
      if (report) console.error(`${process.env.BENCH_OUTBOX}: ${requests} requests; socket writes by remote port: ${report()}`);
      void app.close().then(() => process.exit(0));
    }
  });
  process.send!({ port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
