import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { Logger as PinoLogger } from 'nestjs-pino';
import { InvalidEnvironmentError, validateEnvironment } from '@tenantry/config';
import { runMigrations } from '@tenantry/db';
import { describeMailDestination } from '@tenantry/mail';
import { configureApp } from './configure-app';
import { ShutdownState } from './health/shutdown-state';
import { drainHttpServer } from './shutdown/graceful-shutdown';
import { HttpDrain } from './shutdown/http-drain';
import { seedDevData } from './dev/dev-seed';
import { startEmbeddedDatabase } from './dev/embedded-database';

const logger = new Logger('Bootstrap');

/**
 * With no DATABASE_URL outside production, start an embedded PostgreSQL, migrate it and seed the
 * demo tenant, so `npm install && npm start` is all a newcomer needs.
 */
async function prepareDevelopmentDatabase(): Promise<(() => Promise<void>) | undefined> {
  const env = validateEnvironment(process.env);
  if (env.DATABASE_URL || env.NODE_ENV === 'production') return undefined;

  const database = await startEmbeddedDatabase(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT);
  await runMigrations(database.ownerUrl);
  const credentials = await seedDevData(database.ownerUrl, env.EMBEDDED_PG_DIR, {
    adminEmail: env.SEED_ADMIN_EMAIL,
    adminPassword: env.SEED_ADMIN_PASSWORD,
  });
  process.env.DATABASE_URL = database.appUrl;
  process.env.SYSTEM_DATABASE_URL = database.systemUrl;
  process.env.MIGRATION_DATABASE_URL = database.ownerUrl;

  const base = `http://localhost:${env.PORT}`;
  const login = JSON.stringify({ tenant: credentials.tenant, email: credentials.owner.email, password: credentials.owner.password });
  console.log(
    [
      '',
      `Development database: embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DIR})`,
      `Demo tenant "${credentials.tenant}" owner:  ${credentials.owner.email} / ${credentials.owner.password}`,
      `System admin:                 ${credentials.systemAdmin.email} / ${credentials.systemAdmin.password}`,
      '',
      'Try it:',
      `  TOKEN=$(curl -s ${base}/v1/auth/login -H 'content-type: application/json' -d '${login}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
      `  curl -s ${base}/v1/projects -H "authorization: Bearer $TOKEN"`,
      '',
    ].join('\n'),
  );
  return () => database.stop();
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const stopDatabase = await prepareDevelopmentDatabase();
  // Imported only now: the config module validates process.env when the module graph loads.
  const { AppModule } = await import('./app.module');
  const app = configureApp(await NestFactory.create(AppModule, { bufferLogs: true }));
  app.useLogger(app.get(PinoLogger));
  const env = validateEnvironment(process.env);
  const drain = new HttpDrain(app.getHttpServer() as Server);
  await app.listen(env.PORT);
  logger.log(`API listening on http://localhost:${env.PORT}`);
  logger.log(`Mail is ${describeMailDestination(env)}`);
  // In development one `npm start` runs the whole product; production runs `start:worker` apart.
  const worker =
    env.NODE_ENV === 'development'
      ? await NestFactory.createApplicationContext((await import('../../worker/src/worker.module')).WorkerModule)
      : undefined;
  if (worker) logger.log('worker running in this process (development)');

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.log(`${signal}: shutting down`);
    // Readiness 503 and `Connection: close` at once; accept for the grace, then drain (bounded).
    // Only when no connection is left does app.close() run the usage recorder's last flush: every
    // answered request is metered, and none is answered after it.
    app.get(ShutdownState).isDraining = true;
    await drainHttpServer(drain, { graceMs: env.SHUTDOWN_GRACE_MS, timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, logger);
    await worker?.close();
    await app.close();
    await stopDatabase?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) console.error(error.message);
  else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
