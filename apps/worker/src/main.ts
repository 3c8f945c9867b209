import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { InvalidEnvironmentError, onShutdownSignal, startEntryPoint, validateEnvironment } from '@tenantry/config';
import { claimRedisKeyPrefix, DeploymentConflictError } from '@tenantry/queues';
import { WorkerDrainState } from './ops/worker-health';

/** WORKER_PORT held by another process, said in one sentence naming the variable. */
class WorkerPortInUseError extends Error {}

/**
 * `npm run start:worker`: the worker as its own process (production runs it apart from the API,
 * `npm run start:worker:prod`, i.e. `node dist/apps/worker/src/main.js`, always as production),
 * serving /health/live, /health/ready and /metrics on WORKER_PORT (none when 0).
 */
async function bootstrap(): Promise<void> {
  startEntryPoint(__filename);
  const env = validateEnvironment(process.env);
  // Before any worker or queue exists: they write BullMQ keys under the prefix as they are created.
  await claimRedisKeyPrefix(env);
  // Imported only now: the config module validates process.env (and .env) when the module graph loads.
  const { WorkerProcessModule } = await import('./ops/worker-process.module');
  let worker: INestApplicationContext;
  if (env.WORKER_PORT > 0) {
    const app = await NestFactory.create(WorkerProcessModule, { bufferLogs: true });
    app.useLogger(app.get(PinoLogger));
    try {
      await app.listen(env.WORKER_PORT);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      await app.close().catch(() => undefined);
      throw new WorkerPortInUseError(`WORKER_PORT ${env.WORKER_PORT} is already in use by another process: stop it, or set WORKER_PORT to a free port (0 serves no HTTP)`);
    }
    new Logger('Worker').log(`health and metrics on http://localhost:${env.WORKER_PORT}/health/ready and /metrics`);
    worker = app;
  } else {
    worker = await NestFactory.createApplicationContext(WorkerProcessModule, { bufferLogs: true });
    worker.useLogger(worker.get(PinoLogger));
  }
  // SIGTERM: readiness 503, stop taking jobs and let the current ones finish (BullMQ's close waits),
  // then close the HTTP server, the pools and Redis, and exit 0.
  onShutdownSignal(async (signal) => {
    new Logger('Worker').log(`${signal}: finishing current jobs`);
    worker.get(WorkerDrainState).isDraining = true;
    await worker.close();
  });
  new Logger('Worker').log('processing usage-events, usage-quota, tenant-purge, tenant-export, audit-retention, event-retention and mail; delivering webhooks');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError || error instanceof DeploymentConflictError || error instanceof WorkerPortInUseError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
