import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidEnvironmentError, loadDotEnv, onShutdownSignal } from '@tenantry/config';
import { DeploymentConflictError } from '@tenantry/queues';
import { serveApi } from './serve';

const logger = new Logger('Bootstrap');

/**
 * The API alone (`npm run start:prod` after `npm run build`): production runs the worker apart
 * (`start:worker:prod`). `npm start` runs apps/dev instead, the whole product in one process.
 */
async function bootstrap(): Promise<void> {
  loadDotEnv();
  const api = await serveApi();
  onShutdownSignal(async (signal) => {
    logger.log(`${signal}: shutting down`);
    await api.drainAndClose();
  });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError || error instanceof DeploymentConflictError) console.error(error.message);
  else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
