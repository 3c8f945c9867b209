/**
 * Child process of the stack benchmark: the real API as `nest build` compiled it (what
 * `npm run start:prod` runs), booted as main.ts boots it (pino logger, configureApp), on an
 * ephemeral port of 127.0.0.1, configured only through the environment the benchmark gives it.
 * `BENCH_APP_ROOT` is the checkout whose `dist/` it runs (this one, or a baseline's); its
 * `@tenantry/*` imports resolve into that `dist/` through tsconfig-paths (`TS_NODE_BASEURL`), as in
 * production. Tells its parent the port over IPC and stops when the parent says so.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

async function main(): Promise<void> {
  const dist = join(process.env.BENCH_APP_ROOT!, 'dist', 'apps', 'api', 'src');
  // Loaded only now, from the build: the config module validates process.env when the graph loads.
  const { AppModule } = (await import(join(dist, 'app.module.js'))) as { AppModule: new () => unknown };
  // API_APP_OPTIONS: absent from a baseline revision older than it, which is then created as it was.
  const { configureApp, API_APP_OPTIONS = {} } = (await import(join(dist, 'configure-app.js'))) as {
    configureApp(app: INestApplication): INestApplication;
    API_APP_OPTIONS?: NestApplicationOptions;
  };
  // The build's own copy of nestjs-pino (a baseline checkout links the same node_modules).
  const { Logger: PinoLogger } = (await import(require.resolve('nestjs-pino', { paths: [dist] }))) as typeof import('nestjs-pino');
  const app = configureApp(await NestFactory.create(AppModule, { ...API_APP_OPTIONS, bufferLogs: true }));
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
