import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import { bullConnection, bullPrefix, JobSchedules, logWorkerFailures, SafeWorker, USAGE_EVENTS_QUEUE, USAGE_QUOTA_QUEUE, UsageBatchJobData } from '@tenantry/queues';
import { MonthlyQuotaEvaluator } from './monthly-quota.evaluator';
import { UsageRollupService } from './usage-rollup.service';

/**
 * Consumers of the usage queues. A batch takes milliseconds, so a short lock finds the batches of a
 * killed worker quickly (10 s), and a batch may be re-delivered many times: applying is idempotent.
 */
@Injectable()
export class MeteringProcessors implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MeteringProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly rollups: UsageRollupService,
    private readonly evaluator: MonthlyQuotaEvaluator,
    private readonly schedules: JobSchedules,
  ) {}

  async onModuleInit(): Promise<void> {
    const base = { connection: bullConnection(this.config, 'worker'), prefix: bullPrefix(this.config) };
    this.workers.push(
      new SafeWorker<UsageBatchJobData>(USAGE_EVENTS_QUEUE, (job) => this.rollups.applyBatch(job.data), {
        ...base,
        concurrency: this.config.get('METERING_WORKER_CONCURRENCY'),
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 10,
      }),
      new SafeWorker(
        USAGE_QUOTA_QUEUE,
        async () => ({ ...(await this.evaluator.evaluate()), prunedLedgerRows: await this.evaluator.pruneLedger() }),
        { ...base, concurrency: 1 },
      ),
    );
    await this.schedules.register({
      queueName: USAGE_QUOTA_QUEUE,
      schedulerId: 'usage-quota-evaluation',
      repeat: { every: this.config.get('QUOTA_EVALUATION_INTERVAL_MS') },
      template: { name: 'evaluate', opts: { removeOnComplete: 100, removeOnFail: 100 } },
    });
    logWorkerFailures(this.workers, this.logger);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
