import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { Logger as PinoLogger } from 'nestjs-pino';
import { validateEnvironment } from '@tenantry/config';
import { describeMailDestination } from '@tenantry/mail';
import { configureApp } from './configure-app';
import { ShutdownState } from './health/shutdown-state';

export interface ServingApi {
  app: INestApplication;
  /**
   * The graceful stop: report not-ready at once, keep serving for SHUTDOWN_GRACE_MS, then stop
   * accepting connections and let in-flight requests finish (bounded by SHUTDOWN_TIMEOUT_MS), then
   * close the pools and queues.
   */
  drainAndClose(): Promise<void>;
}

/** The API on PORT, as `npm run start:prod` and the development all-in-one (apps/dev) run it. */
export async function serveApi(): Promise<ServingApi> {
  // Imported only now: the config module validates process.env when the module graph loads.
  const { AppModule } = await import('./app.module');
  const app = configureApp(await NestFactory.create(AppModule, { bufferLogs: true }));
  app.useLogger(app.get(PinoLogger));
  const env = validateEnvironment(process.env);
  await app.listen(env.PORT);
  const logger = new Logger('Bootstrap');
  logger.log(`API listening on http://localhost:${env.PORT}`);
  logger.log(`Mail is ${describeMailDestination(env)}`);
  return {
    app,
    drainAndClose: async () => {
      app.get(ShutdownState).isDraining = true;
      await new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_GRACE_MS));
      const server = app.getHttpServer() as Server;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_TIMEOUT_MS).unref())]);
      await app.close();
    },
  };
}
