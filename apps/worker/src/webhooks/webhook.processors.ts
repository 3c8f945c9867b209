import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, logWorkerFailures, SafeWorker, WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJobData } from '@tenantry/queues';
import { WebhookDeliverer } from './webhook-deliverer';

/**
 * The delivery consumer. At most WEBHOOK_ENDPOINT_CONCURRENCY attempts to one endpoint run at
 * once in this process; a job over that is put back for a second or so (not failed, not counted),
 * so a hanging endpoint holds only its own few slots and every other endpoint's jobs go ahead.
 */
@Injectable()
export class WebhookProcessors implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookProcessors.name);
  private worker?: Worker<WebhookDeliveryJobData>;
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  onModuleInit(): void {
    this.worker = new SafeWorker<WebhookDeliveryJobData>(WEBHOOK_DELIVERY_QUEUE, (job, token) => this.process(job, token), {
      connection: bullConnection(this.config, 'worker'),
      prefix: bullPrefix(this.config),
      concurrency: this.config.get('WEBHOOK_WORKER_CONCURRENCY'),
      // A killed worker's attempts come back within seconds; the lock is renewed while an attempt runs.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
    });
    logWorkerFailures([this.worker], this.logger);
  }

  private async process(job: Job<WebhookDeliveryJobData>, token: string | undefined): Promise<string> {
    const { endpointId } = job.data;
    const active = this.inFlight.get(endpointId) ?? 0;
    if (active >= this.config.get('WEBHOOK_ENDPOINT_CONCURRENCY')) {
      await job.moveToDelayed(Date.now() + 500 + Math.floor(Math.random() * 1000), token);
      throw new DelayedError();
    }
    this.inFlight.set(endpointId, active + 1);
    try {
      return await this.deliverer.attempt(job.data);
    } finally {
      const left = (this.inFlight.get(endpointId) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(endpointId);
      else this.inFlight.set(endpointId, left);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
