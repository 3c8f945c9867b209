import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { AppConfig } from '@tenantry/config';
import { DependencyUnavailableError, withTimeout } from '@tenantry/redis';
import { SafeQueue } from './bull-classes';
import { bullConnection, bullPrefix } from './bull-connection';

/**
 * How long a request waits for Redis to take or show a job. BullMQ waits for a reconnecting
 * client without limit (a route hung for minutes), so every call here is bounded and a miss
 * answers 503.
 */
export const QUEUE_CALL_TIMEOUT_MS = 3000;

export const PURGE_QUEUE = 'tenant-purge';
export const EXPORT_QUEUE = 'tenant-export';
export const AUDIT_RETENTION_QUEUE = 'audit-retention';

export interface PurgeJobData {
  tenantId: string;
}

export interface ExportJobData {
  tenantId: string;
  /** Who asked: a system admin or a tenant owner. */
  requestedBy: { type: 'system_admin' | 'user'; id: string };
}

export type LifecycleJob = Job<PurgeJobData | ExportJobData>;

/** A tenant's exports live in a folder of their own, so the purge removes them in one step. */
export const tenantExportDir = (exportDir: string, tenantId: string): string => resolve(join(exportDir, tenantId));

/** Where the worker writes an export and the API reads it. */
export const exportFilePath = (exportDir: string, tenantId: string, jobId: string): string =>
  join(tenantExportDir(exportDir, tenantId), `${jobId}.ndjson`);

/** Failed jobs are retried with exponential backoff, then kept (failed set) for admins to see. */
const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: false,
} as const;

/**
 * The producer side of the tenant lifecycle queues. Job ids say which queue they live in
 * (`purge-<tenant>`, `export-<uuid>`); a tenant has at most one purge job.
 */
@Injectable()
export class LifecycleQueues implements OnApplicationShutdown {
  readonly purge: Queue<PurgeJobData>;
  readonly export: Queue<ExportJobData>;

  /** Our own client, so shutdown can always cut it, even when Redis never answered. */
  private readonly client: Redis;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = new Redis(bullConnection(config, 'producer') as RedisOptions);
    this.client.on('error', () => undefined);
    const options = { connection: this.client, prefix: bullPrefix(config) };
    this.purge = new SafeQueue<PurgeJobData>(PURGE_QUEUE, options);
    this.export = new SafeQueue<ExportJobData>(EXPORT_QUEUE, options);
    // Connection trouble surfaces where a job is added (as an error there); the Redis client logs outages.
    for (const queue of [this.purge, this.export]) queue.on('error', () => undefined);
  }

  /** Queues the purge of a deleted tenant once (a failed one is retried): safe to call again. */
  enqueuePurge(tenantId: string): Promise<string> {
    return this.bounded(async () => {
      const jobId = `purge-${tenantId}`;
      const existing = await this.purge.getJob(jobId);
      // A failed purge is retried from where it stopped: purging is idempotent.
      if (existing && (await existing.isFailed())) await existing.retry();
      else if (!existing) await this.purge.add('purge', { tenantId }, { ...JOB_OPTIONS, jobId });
      return jobId;
    });
  }

  enqueueExport(data: ExportJobData): Promise<string> {
    return this.bounded(async () => {
      const jobId = `export-${randomUUID()}`;
      await this.export.add('export', data, { ...JOB_OPTIONS, attempts: 3, jobId });
      return jobId;
    });
  }

  findJob(jobId: string): Promise<LifecycleJob | undefined> {
    const queue = jobId.startsWith('purge-') ? this.purge : jobId.startsWith('export-') ? this.export : undefined;
    return this.bounded(async () => ((await queue?.getJob(jobId)) as LifecycleJob | undefined) ?? undefined);
  }

  failedJobs(limit: number): Promise<LifecycleJob[]> {
    return this.bounded(async () => {
      const [purges, exports] = await Promise.all([this.purge.getFailed(0, limit - 1), this.export.getFailed(0, limit - 1)]);
      return [...purges, ...exports] as LifecycleJob[];
    });
  }

  /** Redis answers within QUEUE_CALL_TIMEOUT_MS or the call fails with DependencyUnavailableError (503). */
  private async bounded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(call(), QUEUE_CALL_TIMEOUT_MS, 'Redis');
    } catch (error) {
      throw new DependencyUnavailableError('The job queue is unavailable; retry shortly', 5, { cause: error });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // With Redis gone there is nothing to flush: closing must neither fail nor hang the shutdown.
    const closing = Promise.allSettled([this.purge.close(), this.export.close()]);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.client.disconnect();
  }
}
