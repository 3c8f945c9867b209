import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword, TokenPair, TokenService, verifyPassword } from '@tenantry/auth';
import type { Plan, Tenant } from '@tenantry/db';
import { EventLog, EventType } from '@tenantry/events';
import { API_CALLS_METRIC, API_CALLS_QUOTA, Clock, CLOCK, monthPeriod } from '@tenantry/metering';
import { mergeEffectiveConfig, TenantConfigEvents } from '@tenantry/plans';
import { LifecycleQueues } from '@tenantry/queues';
import { DependencyUnavailableError } from '@tenantry/redis';
import { SystemTransaction } from '@tenantry/system-db';
import { LoginThrottle } from '../auth/login-throttle';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import { AdminSessionsService } from './admin-sessions.service';
import { AdminRepository } from './admin.repository';
import { AdminUsageRepository } from './admin-usage.repository';
import { limitsProblems, mergeOverrides, parseConfigOverrides } from './config-overrides';
import { AdminLoginDto } from './dto/admin-login.dto';
import { ImpersonateDto, ListTenantsQuery, UpdateTenantDto } from './dto/admin-tenants.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { CreatePlanDto, UpdatePlanDto } from './dto/plan.dto';

export const presentTenant = (tenant: Tenant) => ({
  id: tenant.id,
  slug: tenant.slug,
  name: tenant.name,
  plan: tenant.plan,
  status: tenant.status,
  config: tenant.config,
  settings: tenant.settings,
  createdAt: tenant.createdAt,
  updatedAt: tenant.updatedAt,
});

export const presentPlan = (plan: Plan) => ({
  id: plan.id,
  key: plan.key,
  name: plan.name,
  features: plan.features,
  limits: plan.limits,
  createdAt: plan.createdAt,
  updatedAt: plan.updatedAt,
});

/** What a tenant's own event log says about the tenant: no overrides or internal settings. */
const presentTenantToTenant = (tenant: Tenant) => ({ id: tenant.id, slug: tenant.slug, name: tenant.name, plan: tenant.plan, status: tenant.status });

/** The admin actions a tenant's event log records. */
const TENANT_EVENTS: Record<string, EventType | undefined> = {
  'tenant.plan_changed': 'tenant.plan_changed',
  'tenant.suspended': 'tenant.suspended',
  'tenant.resumed': 'tenant.resumed',
};

@Injectable()
export class AdminService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminRepository,
    private readonly sessions: AdminSessionsService,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly queues: LifecycleQueues,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly usage: AdminUsageRepository,
    private readonly configEvents: TenantConfigEvents,
    private readonly events: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async login(input: AdminLoginDto, ip: string): Promise<TokenPair> {
    const account = `system:${input.email}`;
    await this.throttle.assertAllowed(account, ip);
    const admin = await this.system.run(() => this.repository.findAdminByEmail(input.email));
    const isValid = await verifyPassword(admin?.passwordHash, input.password);
    if (!admin || !isValid) {
      await this.throttle.recordFailure(account, ip);
      throw new UnauthorizedException('Invalid credentials');
    }
    await this.throttle.recordSuccess(account);
    return this.sessions.start(admin.id);
  }

  /** All or nothing; a taken slug is a 409 from the unique constraint, mapped once by the filter. */
  async provisionTenant(input: CreateTenantDto) {
    const config = parseConfigOverrides(input.config);
    if (!(await this.system.run(() => this.repository.planExists(input.plan)))) {
      throw new BadRequestException(`plan "${input.plan}" does not exist`);
    }
    const temporaryPassword = input.admin.password ? undefined : randomBytes(12).toString('base64url');
    // Hashing is slow: done before the transaction opens, never inside it.
    const passwordHash = await hashPassword(input.admin.password ?? temporaryPassword!);
    const { tenant, owner } = await this.system.run(async () => {
      const created = await this.repository.createTenantWithOwner({
        slug: input.slug,
        name: input.name,
        plan: input.plan,
        config,
        owner: { email: input.admin.email, passwordHash },
      });
      await this.audit.writeFor(created.tenant.id, {
        action: 'tenant.created',
        resourceType: 'tenant',
        resourceId: created.tenant.id,
        changes: { after: { slug: created.tenant.slug, name: created.tenant.name, plan: created.tenant.plan, ownerEmail: input.admin.email } },
      });
      return created;
    });
    await this.configEvents.publishChanged(tenant.id);
    return {
      tenant: presentTenant(tenant),
      admin: { id: owner.id, email: owner.email, role: owner.role, ...(temporaryPassword ? { temporaryPassword } : {}) },
    };
  }

  async listTenants(query: ListTenantsQuery) {
    const after = decodeCursor(query.cursor);
    const rows = await this.system.run(() => this.repository.listTenants(query, query.limit, after));
    return toPage(rows, query.limit, presentTenant);
  }

  /** The tenant with its effective config and usage summary. */
  async getTenant(id: string) {
    const month = monthPeriod(this.clock.now());
    const { tenant, plan, totals } = await this.system.run(async () => {
      const tenant = await this.requireTenant(id);
      const [plan, totals] = await Promise.all([this.repository.findPlanByKey(tenant.plan), this.usage.monthTotals(id, new Date(month.start))]);
      return { tenant, plan, totals };
    });
    const effectiveConfig = plan ? mergeEffectiveConfig(plan, tenant.config, tenant.settings) : null;
    return {
      ...presentTenant(tenant),
      effectiveConfig,
      // This calendar month (UTC) so far, as rolled up (behind live traffic by the metering lag).
      usage: {
        period: { start: new Date(month.start).toISOString(), end: new Date(month.end).toISOString() },
        metrics: totals,
        apiCalls: { used: totals[API_CALLS_METRIC] ?? 0, limit: effectiveConfig?.limits[API_CALLS_QUOTA] ?? null },
      },
    };
  }

  async updateTenant(id: string, input: UpdateTenantDto) {
    if (input.plan !== undefined && !(await this.system.run(() => this.repository.planExists(input.plan!)))) {
      throw new BadRequestException(`plan "${input.plan}" does not exist`);
    }
    const action = input.plan !== undefined ? 'tenant.plan_changed' : 'tenant.updated';
    return presentTenant(await this.changeTenant(id, action, () => ({ ...input })));
  }

  async patchConfig(id: string, patch: Record<string, unknown>) {
    await this.changeTenant(id, 'tenant.config_changed', (current) => ({ config: mergeOverrides(current.config, patch) }));
    return this.getTenant(id);
  }

  async setSuspended(id: string, isSuspended: boolean) {
    const action = isSuspended ? 'tenant.suspended' : 'tenant.resumed';
    return presentTenant(await this.changeTenant(id, action, () => ({ status: isSuspended ? 'suspended' : 'active' })));
  }

  /**
   * Refused on the tenant's next request; the purge job then removes every row. Should Redis not
   * take the job, the tenant stays deleted, the answer is 503, and the worker's purge sweep queues it.
   */
  async deleteTenant(id: string) {
    await this.changeTenant(id, 'tenant.deleted', () => ({ status: 'deleted' }));
    try {
      return { id, status: 'deleted' as const, jobId: await this.queues.enqueuePurge(id) };
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      throw new DependencyUnavailableError('The tenant is deleted, but its purge could not be queued now; it is queued automatically once the queue answers', error.retryAfterSeconds, { cause: error });
    }
  }

  async exportTenant(id: string, adminId: string) {
    const tenant = await this.system.run(() => this.requireTenant(id));
    if (tenant.status === 'deleted') throw new ConflictException('Tenant has been deleted');
    const jobId = await this.queues.enqueueExport({ tenantId: id, requestedBy: { type: 'system_admin', id: adminId } });
    await this.system.run(() =>
      this.audit.writeFor(id, { action: 'tenant.export_requested', resourceType: 'tenant', resourceId: id, changes: { jobId } }),
    );
    return { jobId };
  }

  /**
   * One change to a tenant row and its audit record (in the tenant's own log, actor the system
   * admin), in one system transaction with the row locked. A deleted tenant cannot be changed.
   */
  private async changeTenant(
    id: string,
    action: string,
    changesOf: (current: Tenant) => Partial<Pick<Tenant, 'name' | 'plan' | 'status' | 'config'>>,
  ): Promise<Tenant> {
    const updated = await this.system.run(async () => {
      const current = await this.repository.findTenantForUpdate(id);
      if (!current) throw new NotFoundException('Tenant not found');
      if (current.status === 'deleted') throw new ConflictException('Tenant has been deleted');
      // DTO instances carry every declared field; only the ones given are changes.
      const changes = Object.fromEntries(Object.entries(changesOf(current)).filter(([, value]) => value !== undefined)) as Partial<Tenant>;
      const updated = (await this.repository.updateTenant(id, changes))!;
      const keys = Object.keys(changes) as (keyof typeof changes)[];
      await this.audit.writeFor(id, {
        action,
        resourceType: 'tenant',
        resourceId: id,
        changes: {
          before: Object.fromEntries(keys.map((key) => [key, current[key]])),
          after: Object.fromEntries(keys.map((key) => [key, updated[key]])),
        },
      });
      // The tenant's own event log hears of what it cares about, in the same transaction.
      const eventType = TENANT_EVENTS[action];
      if (eventType && keys.some((key) => current[key] !== updated[key])) {
        await this.events.recordFor(id, eventType, { object: presentTenantToTenant(updated), previous: presentTenantToTenant(current) });
      }
      return updated;
    });
    // Committed: every API process drops its cached effective config of the tenant.
    await this.configEvents.publishChanged(id);
    return updated;
  }

  /** A short-lived tenant token naming the admin in `act`; no refresh token, ever. */
  async impersonate(id: string, adminId: string, input: ImpersonateDto) {
    const user = await this.system.run(async () => {
      const tenant = await this.requireTenant(id);
      if (tenant.status !== 'active') throw new ConflictException(`Tenant is ${tenant.status}`);
      return this.repository.findTenantUser(id, input.userId);
    });
    if (!user) throw new NotFoundException(input.userId ? 'User not found in this tenant' : 'Tenant has no owner');
    const token = await this.tokens.issueImpersonation(user, adminId, this.config.get('IMPERSONATION_TTL'));
    await this.system.run(() =>
      this.audit.writeFor(id, {
        action: 'tenant.impersonated',
        resourceType: 'user',
        resourceId: user.id,
        changes: { reason: input.reason, expiresIn: token.expiresIn },
      }),
    );
    return { ...token, user: { id: user.id, email: user.email, role: user.role }, reason: input.reason };
  }

  async listPlans() {
    return { data: (await this.system.run(() => this.repository.listPlans())).map(presentPlan) };
  }

  async getPlan(id: string) {
    const plan = await this.system.run(() => this.repository.findPlan(id));
    if (!plan) throw new NotFoundException('Plan not found');
    return presentPlan(plan);
  }

  async createPlan(input: CreatePlanDto) {
    this.assertLimits(input.limits);
    const created = await this.system.run(async () => {
      const plan = await this.repository.createPlan({ ...input, features: [...new Set(input.features)] });
      await this.audit.writeSystem({ action: 'plan.created', details: presentPlan(plan) });
      return presentPlan(plan);
    });
    await this.configEvents.publishAllChanged();
    return created;
  }

  async updatePlan(id: string, input: UpdatePlanDto) {
    if (input.limits) this.assertLimits(input.limits);
    const updated = await this.system.run(async () => {
      const plan = await this.repository.updatePlan(id, { ...input, ...(input.features ? { features: [...new Set(input.features)] } : {}) });
      if (!plan) throw new NotFoundException('Plan not found');
      await this.audit.writeSystem({ action: 'plan.updated', details: { id, ...input } });
      return presentPlan(plan);
    });
    // Tenants on the plan are any tenants: every process drops every cached config.
    await this.configEvents.publishAllChanged();
    return updated;
  }

  private assertLimits(limits: Record<string, unknown>): void {
    const problems = limitsProblems(limits, 'limits', false);
    if (problems.length > 0) throw new BadRequestException(problems);
  }

  private async requireTenant(id: string): Promise<Tenant> {
    const tenant = await this.repository.findTenant(id);
    if (!tenant) throw new NotFoundException('Tenant not found');
    return tenant;
  }
}
