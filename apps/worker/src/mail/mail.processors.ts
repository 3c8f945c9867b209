import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, JobSchedules, logWorkerFailures, MAIL_QUEUE, MailJobData, SafeWorker } from '@tenantry/queues';
import { FinalDeliveryError, MailDeliveryService } from './mail-delivery.service';

/** The mail queue: one `send` job per outbox row, and a `sweep` every 30 s for rows never queued. */
@Injectable()
export class MailProcessors implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly delivery: MailDeliveryService,
    private readonly schedules: JobSchedules,
  ) {}

  async onModuleInit(): Promise<void> {
    const worker = new SafeWorker<MailJobData & { accepted?: string }>(MAIL_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.config, 'worker'),
      prefix: bullPrefix(this.config),
      concurrency: 4,
      // A killed worker's delivery comes back within seconds, not after BullMQ's default 30 s lock.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
    });
    this.workers.push(worker);
    await this.schedules.register({ queueName: MAIL_QUEUE, schedulerId: 'mail-sweep', repeat: { every: 30_000 }, template: { name: 'sweep' } });
    logWorkerFailures(this.workers, this.logger);
    this.logger.log(`mail is ${this.delivery.transport.description}`);
  }

  private async process(job: Job<MailJobData & { accepted?: string }>) {
    if (job.name === 'sweep') return this.delivery.requeueUnsent();
    try {
      return await this.delivery.deliver(job.data, {
        isFinalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        recordAcceptance: (response) => job.updateData({ ...job.data, accepted: response }),
      });
    } catch (error) {
      if (error instanceof FinalDeliveryError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
