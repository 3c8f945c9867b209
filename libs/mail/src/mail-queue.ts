import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, MAIL_QUEUE, MailJobData, mailJobId, QUEUE_CALL_TIMEOUT_MS, SafeQueue } from '@tenantry/queues';
import { withTimeout } from '@tenantry/redis';

/**
 * The producer side of the mail queue: one job per outbox row, its id derived from the row's, so
 * queueing a message twice (after commit, then by the worker's sweep) makes one job.
 */
@Injectable()
export class MailQueue implements OnApplicationShutdown {
  private readonly queue: Queue<MailJobData>;
  private readonly client: Redis;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.client = new Redis(bullConnection(config, 'producer') as RedisOptions);
    this.client.on('error', () => undefined);
    this.queue = new SafeQueue<MailJobData>(MAIL_QUEUE, { connection: this.client, prefix: bullPrefix(config) });
    this.queue.on('error', () => undefined);
  }

  async enqueue(data: MailJobData): Promise<void> {
    await withTimeout(
      this.queue.add('send', data, {
        jobId: mailJobId(data.mailId),
        attempts: this.config.get('MAIL_MAX_ATTEMPTS'),
        backoff: { type: 'exponential', delay: this.config.get('MAIL_RETRY_DELAY_MS') },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      }),
      QUEUE_CALL_TIMEOUT_MS,
      'Redis',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.queue.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.client.disconnect();
  }
}
