import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import { deepMerge, EffectiveConfigService, settingsProblems, TenantConfigEvents } from '@tenantry/plans';
import { LifecycleQueues, LifecycleJob } from '@tenantry/queues';
import { TenantDirectoryRepository, TenantPrincipal, TenantTransaction } from '@tenantry/tenancy';
import { isMfaRequired } from '../auth/mfa/mfa-requirement';
import { UserMfaService } from '../auth/mfa/user-mfa.service';
import { TenantRepository } from './tenant.repository';

@Injectable()
export class TenantService {
  constructor(
    private readonly directory: TenantDirectoryRepository,
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly repository: TenantRepository,
    private readonly queues: LifecycleQueues,
    private readonly trail: AuditTrail,
    private readonly tenantTransaction: TenantTransaction,
    private readonly configEvents: TenantConfigEvents,
    private readonly mfa: UserMfaService,
  ) {}

  /** The tenant's profile with its effective features, limits and settings. */
  async profile() {
    const [tenant, config] = await Promise.all([this.directory.current(), this.effectiveConfig.current()]);
    if (!tenant) throw new NotFoundException('Tenant not found');
    return { ...tenant, features: config.features, limits: config.limits, settings: config.settings };
  }

  async patchSettings(actor: TenantPrincipal, patch: Record<string, unknown>) {
    const problems = settingsProblems(patch, 'settings', true);
    if (problems.length > 0) throw new BadRequestException(problems);
    // Nobody requires of every member what they have not set up themselves.
    if (isMfaRequired(patch) && actor.actorType === 'user' && !(await this.mfa.isEnabled(actor.subjectId))) {
      throw new ConflictException('Enrol MFA yourself (POST /v1/me/mfa/totp) before requiring it of every member');
    }
    const current = await this.repository.settingsForUpdate();
    this.trail.recordBefore(current);
    await this.repository.saveSettings(deepMerge(current, patch));
    // Settings are part of the effective config: once committed, every API process drops its copy.
    const tenantId = this.tenantTransaction.tenantId;
    this.tenantTransaction.afterCommit(() => void this.configEvents.publishChanged(tenantId));
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
