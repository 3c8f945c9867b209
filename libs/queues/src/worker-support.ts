import type { Logger } from '@nestjs/common';
import { JobSchedulerTemplateOptions, RepeatOptions, Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { SafeQueue } from './bull-classes';
import { bullConnection, bullPrefix } from './bull-connection';

/** One log line per failed attempt and per worker error, naming the queue and the job. */
export function logWorkerFailures(workers: Worker[], logger: Logger): void {
  for (const worker of workers) {
    worker.on('failed', (job, error) => logger.error(`${worker.name} job ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
    worker.on('error', (error) => logger.error(`${worker.name}: ${error.message}`));
  }
}

/** Upserting a job scheduler keeps exactly one, however many worker processes start. */
export async function upsertJobScheduler(
  config: AppConfig,
  queueName: string,
  schedulerId: string,
  repeat: Omit<RepeatOptions, 'key'>,
  template: { name: string; opts?: JobSchedulerTemplateOptions },
): Promise<void> {
  const queue = new SafeQueue(queueName, { connection: bullConnection(config, 'producer'), prefix: bullPrefix(config) });
  // A queue without an 'error' listener throws from its connection's ready check when Redis goes away;
  // a failed upsert still rejects below.
  queue.on('error', () => undefined);
  try {
    await queue.upsertJobScheduler(schedulerId, repeat, template);
  } finally {
    await queue.close();
  }
}
