import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { watchQueues } from '@tenantry/metrics';
import { SafeQueue } from './bull-classes';
import { bullConnection, bullPrefix } from './bull-connection';
import { ALL_QUEUE_NAMES } from './queue-names';

/** The job states the queue metrics report. */
export const OBSERVED_JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/**
 * A read-side handle on every queue of ALL_QUEUE_NAMES, for the queue dashboard and the queue
 * metrics. Its own fail-fast Redis client (no offline queue), so an outage answers errors at once
 * instead of piling up commands, and shutdown can always cut it.
 */
@Injectable()
export class ObservedQueues implements OnApplicationShutdown {
  readonly queues: Queue[];
  private readonly client: Redis;
  private readonly unwatch: () => void;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = new Redis(bullConnection(config, 'producer') as RedisOptions);
    this.client.on('error', () => undefined);
    this.queues = ALL_QUEUE_NAMES.map((name) => new SafeQueue(name, { connection: this.client, prefix: bullPrefix(config) }));
    for (const queue of this.queues) queue.on('error', () => undefined);
    this.unwatch = watchQueues(() => this.jobCounts());
  }

  /** Jobs per state of every queue: `{ [queue]: { waiting, active, delayed, completed, failed } }`. */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const counts = await Promise.all(this.queues.map((queue) => queue.getJobCounts(...OBSERVED_JOB_STATES)));
    return Object.fromEntries(this.queues.map((queue, index) => [queue.name, counts[index]!]));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unwatch();
    const closing = Promise.allSettled(this.queues.map((queue) => queue.close()));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.client.disconnect();
  }
}

/** Provides ObservedQueues; imported by the API only (the worker has its own consumers). */
@Global()
@Module({ providers: [ObservedQueues], exports: [ObservedQueues] })
export class ObservedQueuesModule {}
