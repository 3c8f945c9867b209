import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfig } from '@tenantry/config';
import {
  AUDIT_RETENTION_QUEUE,
  bullConnection,
  bullPrefix,
  EXPORT_QUEUE,
  ExportJobData,
  exportFilePath,
  JobSchedules,
  logWorkerFailures,
  PURGE_QUEUE,
  PurgeJobData,
  SafeWorker,
} from '@tenantry/queues';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { AuditRetention } from './audit-retention';
import { PurgeSweep } from './purge-sweep';
import { PurgeRefusedError, TenantPurger } from './tenant-purger';
import { TenantExporter } from './tenant-exporter';

/** A tenant job without a valid tenant would "succeed" on zero rows under FORCE RLS: fail loudly. */
function requireTenantId(job: Job<{ tenantId?: unknown }>): string {
  const tenantId = job.data?.tenantId;
  if (typeof tenantId !== 'string' || !UUID_PATTERN.test(tenantId)) {
    throw new UnrecoverableError(`job ${job.id} carries no valid tenantId (${JSON.stringify(tenantId)})`);
  }
  return tenantId;
}

/** The repeatable job on the purge queue that queues the purges nobody could queue (see PurgeSweep). */
export const PURGE_SWEEP_JOB = 'sweep';
const PURGE_SWEEP_EVERY_MS = 5 * 60_000;

/** Consumers of the purge, export and audit-retention queues. SIGTERM closes them: the current job finishes first. */
@Injectable()
export class LifecycleProcessors implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LifecycleProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly purger: TenantPurger,
    private readonly exporter: TenantExporter,
    private readonly retention: AuditRetention,
    private readonly purgeSweep: PurgeSweep,
    private readonly schedules: JobSchedules,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = { connection: bullConnection(this.config, 'worker'), prefix: bullPrefix(this.config), concurrency: 1 };
    this.workers.push(
      new SafeWorker<PurgeJobData>(
        PURGE_QUEUE,
        async (job) => {
          if (job.name === PURGE_SWEEP_JOB) return this.purgeSweep.sweep();
          try {
            return await this.purger.purge(requireTenantId(job));
          } catch (error) {
            if (error instanceof PurgeRefusedError) throw new UnrecoverableError(error.message);
            throw error;
          }
        },
        options,
      ),
      new SafeWorker<ExportJobData>(
        EXPORT_QUEUE,
        async (job) => {
          const tenantId = requireTenantId(job);
          const file = exportFilePath(this.config.get('EXPORT_DIR'), tenantId, job.id!);
          const result = await this.exporter.export(tenantId, file, (percent) => job.updateProgress(percent));
          return { ...result, file };
        },
        options,
      ),
      new SafeWorker(AUDIT_RETENTION_QUEUE, () => this.retention.sweep(), options),
    );
    // Daily at 03:00 UTC.
    await this.schedules.register({
      queueName: AUDIT_RETENTION_QUEUE,
      schedulerId: 'audit-retention-daily',
      repeat: { pattern: '0 3 * * *', tz: 'UTC' },
      template: { name: 'sweep' },
    });
    await this.schedules.register({
      queueName: PURGE_QUEUE,
      schedulerId: 'purge-sweep',
      repeat: { every: PURGE_SWEEP_EVERY_MS },
      template: { name: PURGE_SWEEP_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    });
    logWorkerFailures(this.workers, this.logger);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
