import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { featureProblem, limitsProblems, TenantConfigEvents } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';
import { AdminRepository } from './admin.repository';
import { CreatePlanDto, toPlanResponse, UpdatePlanDto } from './dto/plan.dto';

/** The plan catalogue: every change is a system-log record, and every process drops its cached configs. */
@Injectable()
export class AdminPlansService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminRepository,
    private readonly audit: AuditWriter,
    private readonly configEvents: TenantConfigEvents,
  ) {}

  async listPlans() {
    return { data: (await this.system.run(() => this.repository.listPlans())).map(toPlanResponse) };
  }

  async getPlan(id: string) {
    const plan = await this.system.run(() => this.repository.findPlan(id));
    if (!plan) throw new NotFoundException('Plan not found');
    return toPlanResponse(plan);
  }

  async createPlan(input: CreatePlanDto) {
    this.assertCatalogueEntry(input.limits, input.features);
    const created = await this.system.run(async () => {
      const plan = await this.repository.createPlan({ ...input, features: [...new Set(input.features)] });
      await this.audit.writeSystem({ action: 'plan.created', details: { ...toPlanResponse(plan) } });
      return toPlanResponse(plan);
    });
    await this.configEvents.publishAllChanged();
    return created;
  }

  async updatePlan(id: string, input: UpdatePlanDto) {
    this.assertCatalogueEntry(input.limits, input.features);
    const updated = await this.system.run(async () => {
      const plan = await this.repository.updatePlan(id, { ...input, ...(input.features ? { features: [...new Set(input.features)] } : {}) });
      if (!plan) throw new NotFoundException('Plan not found');
      await this.audit.writeSystem({ action: 'plan.updated', details: { id, ...input } });
      return toPlanResponse(plan);
    });
    // Tenants on the plan are any tenants: every process drops every cached config.
    await this.configEvents.publishAllChanged();
    return updated;
  }

  /** Only known limits (non-negative integers) and known features, every problem named in one 400. */
  private assertCatalogueEntry(limits: Record<string, unknown> | undefined, features: string[] | undefined): void {
    const problems = [
      ...(limits ? limitsProblems(limits, 'limits', false) : []),
      ...(features ?? []).map((name) => featureProblem(name, 'features')).filter((problem): problem is string => problem !== undefined),
    ];
    if (problems.length > 0) throw new BadRequestException(problems);
  }
}
