import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidEnvironmentError, onShutdownSignal, PortInUseError, startEntryPoint } from '@tenantry/config';
import { DeploymentConflictError } from '@tenantry/queues';
import { serveApi } from './serve';

const logger = new Logger('Bootstrap');

/**
 * The API alone (`npm run start:prod` after `npm run build`, i.e. `node dist/apps/api/src/main.js`,
 * always as production): production runs the worker apart (`start:worker:prod`). `npm start` runs
 * apps/dev instead, the whole product in one process.
 */
async function bootstrap(): Promise<void> {
  startEntryPoint(__filename);
  const api = await serveApi();
  onShutdownSignal(async (signal) => {
    logger.log(`${signal}: shutting down`);
    await api.drainAndClose();
  });
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError || error instanceof PortInUseError || error instanceof DeploymentConflictError) console.error(error.message);
  else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
