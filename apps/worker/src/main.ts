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
  worker.enableShutdownHooks();
  new Logger('Worker').log('processing usage-events, usage-quota, tenant-purge, tenant-export and audit-retention');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
