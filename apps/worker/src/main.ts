import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvalidEnvironmentError, onShutdownSignal, startEntryPoint, validateEnvironment } from '@tenantry/config';
import { claimRedisKeyPrefix, DeploymentConflictError } from '@tenantry/queues';

/**
 * `npm run start:worker`: the worker as its own process (production runs it apart from the API,
 * `npm run start:worker:prod`, i.e. `node dist/apps/worker/src/main.js`, always as production).
 */
async function bootstrap(): Promise<void> {
  startEntryPoint(__filename);
  // Before any worker or queue exists: they write BullMQ keys under the prefix as they are created.
  await claimRedisKeyPrefix(validateEnvironment(process.env));
  // Imported only now: the config module validates process.env when the module graph loads.
  const { WorkerModule } = await import('./worker.module');
  const worker = await NestFactory.createApplicationContext(WorkerModule);
  // SIGTERM: stop taking jobs, let the current ones finish (BullMQ's close waits), close pools, exit 0.
  onShutdownSignal(async (signal) => {
    new Logger('Worker').log(`${signal}: finishing current jobs`);
    await worker.close();
  });
  new Logger('Worker').log('processing usage-events, usage-quota, tenant-purge, tenant-export, audit-retention, event-retention, mail and webhook-deliveries');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError || error instanceof DeploymentConflictError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
