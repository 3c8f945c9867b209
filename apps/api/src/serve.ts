import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { Logger as PinoLogger } from 'nestjs-pino';
import { PortInUseError, validateEnvironment } from '@tenantry/config';
import { describeMailDestination } from '@tenantry/mail';
import { claimRedisKeyPrefix } from '@tenantry/queues';
import { API_APP_OPTIONS, configureApp } from './configure-app';
import { ShutdownState } from './health/shutdown-state';
import { drainHttpServer } from './shutdown/graceful-shutdown';
import { HttpDrain } from './shutdown/http-drain';

/** PORT held by another process (another `npm start`, another API): one line naming PORT. */
export const httpPortInUse = (port: number) => new PortInUseError(port, 'PORT', 'the HTTP port of the API');

export interface ServingApi {
  app: INestApplication;
  /**
   * The graceful stop (see apps/api/src/shutdown): readiness 503 and `Connection: close` at once,
   * accept for SHUTDOWN_GRACE_MS, then stop accepting and let open requests finish, closing what
   * is left at SHUTDOWN_TIMEOUT_MS; only with no connection left, close the usage recorder (its
   * last flush), the pools and queues. Every answered request is metered, none after that flush.
   */
  drainAndClose(): Promise<void>;
}

export interface ServeOptions {
  /**
   * Serves the console in place of its built files (apps/dev: Vite's dev server, with live reload),
   * mounted before the app listens; what it answers is closed after the app.
   */
  mountConsole?: (app: INestApplication) => Promise<{ close(): Promise<void> }>;
}

/** The API on PORT, as `npm run start:prod` and the development all-in-one (apps/dev) run it. */
export async function serveApi(options: ServeOptions = {}): Promise<ServingApi> {
  // Before the app exists: its queues write BullMQ keys under the prefix as they are created.
  await claimRedisKeyPrefix(validateEnvironment(process.env));
  // Imported only now: the config module validates process.env when the module graph loads.
  const { AppModule } = await import('./app.module');
  const app = configureApp(await NestFactory.create(AppModule, { ...API_APP_OPTIONS, bufferLogs: true }), { serveBuiltConsole: !options.mountConsole });
  app.useLogger(app.get(PinoLogger));
  const consoleServer = await options.mountConsole?.(app);
  const env = validateEnvironment(process.env);
  const drain = new HttpDrain(app.getHttpServer() as Server);
  try {
    await app.listen(env.PORT);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      await app.close().catch(() => undefined);
      await consoleServer?.close().catch(() => undefined);
      throw httpPortInUse(env.PORT);
    }
    throw error;
  }
  const logger = new Logger('Bootstrap');
  logger.log(`API listening on http://localhost:${env.PORT}; console on http://localhost:${env.PORT}/console/ and /console/admin/`);
  logger.log(`Mail is ${describeMailDestination(env)}`);
  return {
    app,
    drainAndClose: async () => {
      app.get(ShutdownState).isDraining = true;
      await drainHttpServer(drain, { graceMs: env.SHUTDOWN_GRACE_MS, timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, logger);
      await app.close();
      await consoleServer?.close();
    },
  };
}
