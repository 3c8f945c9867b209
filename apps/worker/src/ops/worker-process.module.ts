import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@tenantry/config';
import { ObservedQueuesModule } from '@tenantry/queues';
import { SystemDbModule } from '@tenantry/system-db';
import { WorkerModule } from '../worker.module';
import { WorkerDependencyIndicators, WorkerDrainState, WorkerHealthController } from './worker-health';
import { workerLoggerParams } from './worker-logger';
import { WorkerMetricsController } from './worker-metrics.controller';

/**
 * The worker as its own process (`npm run start:worker`): the consumers of WorkerModule, the JSON
 * logs, and on WORKER_PORT the probes and the metrics (the queue job counts come from
 * ObservedQueues, as in the API). `npm start` composes WorkerModule alone beside the API, whose
 * logger, probes and /metrics (one registry per process) then serve both.
 */
@Module({
  imports: [
    WorkerModule,
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: workerLoggerParams }),
    TerminusModule.forRoot({ logger: false }),
    ObservedQueuesModule,
    SystemDbModule,
  ],
  controllers: [WorkerHealthController, WorkerMetricsController],
  providers: [WorkerDrainState, WorkerDependencyIndicators],
})
export class WorkerProcessModule {}
