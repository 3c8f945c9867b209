import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { SystemAdminOnly } from '@tenantry/auth';
import { LifecycleQueues } from '@tenantry/queues';
import { exportDownload, presentJob } from '../jobs/job-view';
import { PageQuery } from '../pagination/cursor';

@SystemAdminOnly()
@Controller('v1/admin/jobs')
export class AdminJobsController {
  constructor(
    private readonly queues: LifecycleQueues,
    private readonly config: AppConfig,
  ) {}

  /** Jobs that exhausted their retries: what an operator must look at. */
  @Get('failed')
  async failed(@Query() query: PageQuery) {
    const jobs = await this.queues.failedJobs(query.limit);
    return { data: await Promise.all(jobs.map((job) => presentJob(job, `/v1/admin/jobs/${job.id}/download`))) };
  }

  @Get(':jobId')
  async get(@Param('jobId') jobId: string) {
    const job = await this.queues.findJob(jobId);
    if (!job) throw new NotFoundException('Job not found');
    return presentJob(job, `/v1/admin/jobs/${job.id}/download`);
  }

  @Get(':jobId/download')
  async download(@Param('jobId') jobId: string) {
    const job = await this.queues.findJob(jobId);
    if (!job) throw new NotFoundException('Job not found');
    return exportDownload(job, this.config);
  }
}
