import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, EVENT_RETENTION_QUEUE, JobSchedules, logWorkerFailures, SafeWorker } from '@tenantry/queues';
import { EventRetention } from './event-retention';

/** The event log's maintenance: daily retention. */
@Injectable()
export class EventsProcessors implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventsProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly retention: EventRetention,
    private readonly schedules: JobSchedules,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = { connection: bullConnection(this.config, 'worker'), prefix: bullPrefix(this.config), concurrency: 1 };
    this.workers.push(new SafeWorker(EVENT_RETENTION_QUEUE, () => this.retention.sweep(), options));
    // Daily at 03:30 UTC, after the audit retention.
    await this.schedules.register({
      queueName: EVENT_RETENTION_QUEUE,
      schedulerId: 'event-retention-daily',
      repeat: { pattern: '30 3 * * *', tz: 'UTC' },
      template: { name: 'sweep' },
    });
    logWorkerFailures(this.workers, this.logger);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
