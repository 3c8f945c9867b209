import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { deepMerge, EffectiveConfigService } from '@tenantry/plans';
import { LifecycleQueues, LifecycleJob } from '@tenantry/queues';
import { TenantDirectoryRepository, TenantPrincipal } from '@tenantry/tenancy';
import { settingsProblems } from './tenant-settings';
import { TenantRepository } from './tenant.repository';

@Injectable()
export class TenantService {
  constructor(
    private readonly directory: TenantDirectoryRepository,
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly repository: TenantRepository,
    private readonly queues: LifecycleQueues,
    private readonly trail: AuditTrail,
  ) {}

  /** The tenant's profile with its effective features, limits and settings. */
  async profile() {
    const [tenant, config] = await Promise.all([this.directory.current(), this.effectiveConfig.current()]);
    if (!tenant) throw new NotFoundException('Tenant not found');
    return { ...tenant, features: config.features, limits: config.limits, settings: config.settings };
  }

  async patchSettings(patch: Record<string, unknown>) {
    const problems = settingsProblems(patch, 'settings', true);
    if (problems.length > 0) throw new BadRequestException(problems);
    const current = await this.repository.settingsForUpdate();
    this.trail.recordBefore(current);
    await this.repository.saveSettings(deepMerge(current, patch));
    return this.profile();
  }

  async requestExport(principal: TenantPrincipal) {
    return { jobId: await this.queues.enqueueExport({ tenantId: principal.tenantId, requestedBy: { type: 'user', id: principal.subjectId } }) };
  }

  /** Another tenant's job is 404, exactly like a job that does not exist. */
  async ownExportJob(principal: TenantPrincipal, jobId: string): Promise<LifecycleJob> {
    const job = jobId.startsWith('export-') ? await this.queues.findJob(jobId) : undefined;
    if (!job || job.data.tenantId !== principal.tenantId) throw new NotFoundException('Job not found');
    return job;
  }
}
