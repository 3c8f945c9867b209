/**
 * Child process of `npm run bench:webhooks`: the real API (AppModule, configureApp) on an
 * ephemeral port of 127.0.0.1, configured by the environment the bench gives it. With
 * `BENCH_OUTBOX=off` its EventLog writes nothing (no event row, no after-commit hint): the write
 * path without webhooks, a provider override only the bench makes; `BENCH_OUTBOX=nohint` writes
 * the event but sends no after-commit hint. Tells its parent the port over
 * IPC and stops when the parent says so.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { EventLog, EventNotifier } from '@tenantry/events';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/configure-app';

async function main(): Promise<void> {
  let builder = Test.createTestingModule({ imports: [AppModule] });
  // `nohint`: the event row is written, the after-commit hint to the dispatcher is not (what the hint costs).
  if (process.env.BENCH_OUTBOX === 'nohint') builder = builder.overrideProvider(EventNotifier).useValue({ committed: () => undefined });
  if (process.env.BENCH_OUTBOX === 'off') builder = builder.overrideProvider(EventLog).useValue({ record: async () => randomUUID(), recordFor: async () => randomUUID() });
  const app = configureApp((await builder.compile()).createNestApplication({ logger: ['error'] }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message) => {
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send!({ port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
