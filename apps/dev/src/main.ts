import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { assertPortFree, InvalidEnvironmentError, loadDotEnv, onShutdownSignal, PortInUseError, validateEnvironment } from '@tenantry/config';
import { runMigrations } from '@tenantry/db';
import { DeploymentConflictError } from '@tenantry/queues';
import { ensureConsoleBuilt } from '../../api/src/console/console-build';
import { serveApi } from '../../api/src/serve';
import { mountConsoleDevServer } from './console-dev-server';
import { seedDevData } from './dev-seed';
import { startEmbeddedDatabase } from './embedded-database';

const logger = new Logger('Bootstrap');

/**
 * With no DATABASE_URL outside production, start an embedded PostgreSQL, migrate it and seed the
 * demo tenant, so `npm install && npm start` is all a newcomer needs.
 */
async function prepareDevelopmentDatabase(): Promise<(() => Promise<void>) | undefined> {
  const env = validateEnvironment(process.env);
  if (env.DATABASE_URL || env.NODE_ENV === 'production') return undefined;

  await assertPortFree(env.EMBEDDED_PG_PORT, 'EMBEDDED_PG_PORT', 'the embedded development PostgreSQL', '127.0.0.1');
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
      `Console (tenant users):       ${base}/console/  (organisation "${credentials.tenant}")`,
      `Console (system admins):      ${base}/console/admin/`,
      '',
      'Try it:',
      `  TOKEN=$(curl -s ${base}/v1/auth/login -H 'content-type: application/json' -d '${login}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
      `  curl -s ${base}/v1/projects -H "authorization: Bearer $TOKEN"`,
      '',
    ].join('\n'),
  );
  return () => database.stop();
}

/**
 * Two clones on one machine share the local Redis: with the one default prefix, each one's worker
 * would take the other's jobs (and the second would be refused at boot, see claimRedisKeyPrefix).
 * Unless REDIS_KEY_PREFIX is set, `npm start` names its keys after its own database directory.
 */
function developmentKeyPrefix(embeddedDatabaseDir: string): string {
  return `tenantry-dev-${createHash('sha256').update(resolve(embeddedDatabaseDir)).digest('hex').slice(0, 10)}`;
}

/**
 * `npm start`: the whole product in one process for development: the embedded database (unless
 * DATABASE_URL is set), the API and, under NODE_ENV=development, the worker. The one place that
 * composes both applications; neither imports the other.
 */
async function bootstrap(): Promise<void> {
  loadDotEnv();
  // Before the database and its banner: a port another process holds is one line naming PORT.
  await assertPortFree(validateEnvironment(process.env).PORT, 'PORT', 'the HTTP port of the API');
  process.env.REDIS_KEY_PREFIX ||= developmentKeyPrefix(validateEnvironment(process.env).EMBEDDED_PG_DIR);
  const stopDatabase = await prepareDevelopmentDatabase();
  const env = validateEnvironment(process.env);
  // In development the console comes from its sources through Vite (an edit shows at once);
  // otherwise it is built here when missing or older than its sources (`npm run build` in production).
  const isDevelopment = env.NODE_ENV === 'development';
  if (!isDevelopment && ensureConsoleBuilt()) logger.log('console built');
  const api = await serveApi(isDevelopment ? { mountConsole: mountConsoleDevServer } : {});
  if (isDevelopment) logger.log('console served from its sources by Vite (live reload)');
  // Imported only now, like the API's module: the worker's config is read when its graph loads.
  const worker =
    env.NODE_ENV === 'development'
      ? await NestFactory.createApplicationContext((await import('../../worker/src/worker.module')).WorkerModule)
      : undefined;
  if (worker) logger.log('worker running in this process (development)');

  onShutdownSignal(async (signal) => {
    logger.log(`${signal}: shutting down`);
    await api.drainAndClose();
    await worker?.close();
    await stopDatabase?.();
  });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError || error instanceof PortInUseError || error instanceof DeploymentConflictError) console.error(error.message);
  else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
