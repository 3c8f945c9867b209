import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { AppConfig } from '@tenantry/config';
import { SystemAdminOnly } from '@tenantry/auth';
import { LifecycleQueues } from '@tenantry/queues';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantRequests } from '@tenantry/tenancy';
import { FailedJobList, JobResponse } from '../jobs/dto/job.dto';
import { exportDownload, presentJob } from '../jobs/job-view';
import { LimitQuery } from '../pagination/cursor';
import { AdminRepository } from './admin.repository';

@SystemAdminOnly()
@TenantRequests()
@Controller('v1/admin/jobs')
export class AdminJobsController {
  constructor(
    private readonly queues: LifecycleQueues,
    private readonly config: AppConfig,
    private readonly repository: AdminRepository,
    private readonly system: SystemTransaction,
  ) {}

  /** Jobs that exhausted their retries: what an operator must look at. */
  @Get('failed')
  async failed(@Query() query: LimitQuery): Promise<FailedJobList> {
    const jobs = await this.queues.failedJobs(query.limit);
    return { data: await Promise.all(jobs.map((job) => presentJob(job, `/v1/admin/jobs/${job.id}/download`))) };
  }

  @Get(':jobId')
  async get(@Param('jobId') jobId: string): Promise<JobResponse> {
    const job = await this.queues.findJob(jobId);
    if (!job) throw new NotFoundException('Job not found');
    return presentJob(job, `/v1/admin/jobs/${job.id}/download`);
  }

  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'The export: one `{"table", "row"}` per line', schema: { type: 'string', format: 'binary' } })
  @Get(':jobId/download')
  async download(@Param('jobId') jobId: string) {
    const job = await this.queues.findJob(jobId);
    if (!job) throw new NotFoundException('Job not found');
    // A deleted tenant's data is gone for everyone from the moment of deletion (the purge then
    // removes the files).
    const tenant = await this.system.run(() => this.repository.findTenant(job.data.tenantId));
    if (!tenant || tenant.status === 'deleted') throw new NotFoundException('The export is not available');
    return exportDownload(job, this.config);
  }
}
