import { ApiProperty } from '@nestjs/swagger';
import type { JobProgress, JobState } from 'bullmq';

const JOB_STATES = ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'unknown'] as const;

/** The answer of an export request: poll the job with its id. */
export class ExportRequestedResponse {
  /** @example "export-2f6b1c9e-7a4d-4e2b-8c1f-3d5e6a7b8c9d" */
  jobId: string;
}

/** A background job (tenant export or purge) as an admin, or an owner for its own exports, sees it. */
export class JobResponse {
  /** `export-<uuid>` or `purge-<tenant id>`. @example "export-2f6b1c9e-7a4d-4e2b-8c1f-3d5e6a7b8c9d" */
  id: string;

  /** @example "tenant-export" */
  queue: string;

  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  tenantId: string;

  @ApiProperty({ enum: JOB_STATES, example: 'completed', description: 'The queue state; `unknown` once the job has been cleaned up' })
  state: JobState | 'unknown';

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'object', additionalProperties: true }, { type: 'string' }, { type: 'boolean' }],
    example: 100,
    description: 'What the worker last reported',
  })
  progress: JobProgress;

  /** @example 1 */
  attemptsMade: number;

  /** Why the last attempt failed. @example null */
  failedReason: string | null;

  /**
   * What the job returned, once done: an export's `{rows}`, a purge's `{tenantId, deleted, tenantRowDeleted}`.
   * @example {"rows": 1234}
   */
  result: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-02T03:04:05.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-01-02T03:04:09.000Z' })
  finishedAt: string | null;

  /**
   * Where to fetch the NDJSON of a completed export; null otherwise.
   * @example "/v1/tenant/exports/export-2f6b1c9e-7a4d-4e2b-8c1f-3d5e6a7b8c9d/download"
   */
  download: string | null;
}

/** Jobs that exhausted their retries, purges first. */
export class FailedJobList {
  data: JobResponse[];
}
