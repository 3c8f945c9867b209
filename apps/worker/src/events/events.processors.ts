import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, EVENT_RETENTION_QUEUE, logWorkerFailures, SafeWorker, upsertJobScheduler } from '@tenantry/queues';
import { EventRetention } from './event-retention';

/** The event log's maintenance: daily retention. */
@Injectable()
export class EventsProcessors implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventsProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly retention: EventRetention,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = { connection: bullConnection(this.config, 'worker'), prefix: bullPrefix(this.config), concurrency: 1 };
    this.workers.push(new SafeWorker(EVENT_RETENTION_QUEUE, () => this.retention.sweep(), options));
    // Daily at 03:30 UTC, after the audit retention.
    await upsertJobScheduler(this.config, EVENT_RETENTION_QUEUE, 'event-retention-daily', { pattern: '30 3 * * *', tz: 'UTC' }, { name: 'sweep' });
    logWorkerFailures(this.workers, this.logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
