import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvalidEnvironmentError } from '@tenantry/config';
import { WorkerModule } from './worker.module';

/** `npm run start:worker`: the worker as its own process (production runs it apart from the API). */
async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const worker = await NestFactory.createApplicationContext(WorkerModule);
  // SIGTERM: stop taking jobs, let the current ones finish (BullMQ's close waits), close pools, exit 0.
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    new Logger('Worker').log(`${signal}: finishing current jobs`);
    await worker.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  new Logger('Worker').log('processing usage-events, usage-quota, tenant-purge, tenant-export, audit-retention, event-retention and mail');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
