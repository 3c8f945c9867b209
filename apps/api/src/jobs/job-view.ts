import { NotFoundException, StreamableFile } from '@nestjs/common';
import { createReadStream, existsSync } from 'node:fs';
import type { AppConfig } from '@tenantry/config';
import { exportFilePath, type LifecycleJob } from '@tenantry/queues';
import type { JobResponse } from './dto/job.dto';

/** What an admin (or a tenant owner, for its own exports) sees of a background job. */
export async function presentJob(job: LifecycleJob, downloadPath: string): Promise<JobResponse> {
  const state = await job.getState();
  const result = (job.returnvalue ?? null) as Record<string, unknown> | null;
  const { file: _file, ...visibleResult } = result ?? {};
  return {
    // BullMQ types the id as optional for jobs not yet added; one read from its queue has it.
    id: job.id!,
    queue: job.queueName,
    tenantId: job.data.tenantId,
    state,
    progress: job.progress,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? null,
    result: result ? visibleResult : null,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    download: state === 'completed' && job.queueName.endsWith('export') ? downloadPath : null,
  };
}

/** The NDJSON of a completed export, streamed from EXPORT_DIR (shared with the worker). */
export async function exportDownload(job: LifecycleJob, config: AppConfig): Promise<StreamableFile> {
  const file = exportFilePath(config.get('EXPORT_DIR'), job.data.tenantId, job.id!);
  if ((await job.getState()) !== 'completed' || !existsSync(file)) throw new NotFoundException('The export is not ready');
  return new StreamableFile(createReadStream(file), {
    type: 'application/x-ndjson',
    disposition: `attachment; filename="tenant-${job.data.tenantId}-export.ndjson"`,
  });
}
