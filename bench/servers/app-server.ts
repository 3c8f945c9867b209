/**
 * Child process of the stack benchmark: the real API, booted as main.ts boots it (pino logger,
 * configureApp), on an ephemeral port of 127.0.0.1, configured only through the environment the
 * benchmark gives it. Tells its parent the port over IPC and stops when the parent says so.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';

async function main(): Promise<void> {
  // Imported only now: the config module validates process.env when the module graph loads.
  const { AppModule } = await import('../../apps/api/src/app.module');
  const { configureApp } = await import('../../apps/api/src/configure-app');
  const app = configureApp(await NestFactory.create(AppModule, { bufferLogs: true }));
  app.useLogger(app.get(PinoLogger));
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
