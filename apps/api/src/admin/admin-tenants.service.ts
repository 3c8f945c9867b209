import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { hashPassword, TokenService } from '@tenantry/auth';
import type { Tenant } from '@tenantry/db';
import { EventLog, EventType } from '@tenantry/events';
import { API_CALLS_METRIC, Clock, CLOCK, monthPeriod } from '@tenantry/metering';
import { LIMIT, mergeEffectiveConfig, mergeOverrides, parseConfigOverrides, TenantConfigEvents } from '@tenantry/plans';
import { MailOutbox } from '@tenantry/mail';
import { LifecycleQueues } from '@tenantry/queues';
import { DependencyUnavailableError } from '@tenantry/redis';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantAccessVersions } from '@tenantry/tenancy';
import { newOneTimeToken } from '../account-tokens/one-time-token';
import { INVITATION_TTL_MS, invitationMessage } from '../invitations/invitation-mail';
import { decodeCursor, toPage } from '../pagination/cursor';
import { AdminRepository } from './admin.repository';
import { AdminUsageRepository } from './admin-usage.repository';
import { ImpersonateDto, ListTenantsQuery, toTenantResponse, UpdateTenantDto } from './dto/admin-tenants.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';

/** What a tenant's own event log says about the tenant: no overrides or internal settings. */
const presentTenantToTenant = (tenant: Tenant) => ({ id: tenant.id, slug: tenant.slug, name: tenant.name, plan: tenant.plan, status: tenant.status });

/** The admin actions a tenant's event log records. */
const TENANT_EVENTS: Record<string, EventType | undefined> = {
  'tenant.plan_changed': 'tenant.plan_changed',
  'tenant.suspended': 'tenant.suspended',
  'tenant.resumed': 'tenant.resumed',
};

/**
 * The operator's work on tenants: provisioning, the lifecycle (suspend, resume, delete, export),
 * overrides and impersonation. Each change and its audit row commit in one system transaction.
 */
@Injectable()
export class AdminTenantsService {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminRepository,
    private readonly usage: AdminUsageRepository,
    private readonly tokens: TokenService,
    private readonly queues: LifecycleQueues,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly configEvents: TenantConfigEvents,
    private readonly accessVersions: TenantAccessVersions,
    private readonly events: EventLog,
    private readonly outbox: MailOutbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** All or nothing; a taken slug is a 409 from the unique constraint, mapped once by the filter. */
  async provisionTenant(input: CreateTenantDto) {
    const config = parseConfigOverrides(input.config);
    if (!(await this.system.run(() => this.repository.planExists(input.plan)))) {
      throw new BadRequestException(`plan "${input.plan}" does not exist`);
    }
    // Hashing is slow: done before the transaction opens, never inside it.
    const passwordHash = input.admin.password ? await hashPassword(input.admin.password) : null;
    const { tenant, owner, invitation } = await this.system.run(async () => {
      const created = await this.repository.createTenantWithOwner({
        slug: input.slug,
        name: input.name,
        plan: input.plan,
        config,
        owner: { email: input.admin.email, passwordHash },
      });
      const tenantId = created.tenant.id;
      await this.audit.writeFor(tenantId, {
        action: 'tenant.created',
        resourceType: 'tenant',
        resourceId: tenantId,
        changes: { after: { slug: created.tenant.slug, name: created.tenant.name, plan: created.tenant.plan, ownerEmail: input.admin.email } },
      });
      // Without a password the owner is invited: the mail commits with the tenant, or neither does.
      const invitation = passwordHash ? undefined : await this.inviteOwner(tenantId, created.owner);
      return { ...created, invitation };
    });
    await this.configEvents.publishChanged(tenant.id);
    return {
      tenant: toTenantResponse(tenant),
      admin: { id: owner.id, email: owner.email, role: owner.role, ...(invitation ? { invitation } : {}) },
    };
  }

  private async inviteOwner(tenantId: string, owner: { id: string; email: string }) {
    const { token, hash } = newOneTimeToken('invitation', tenantId);
    const invitation = await this.repository.createOwnerInvitation(tenantId, {
      userId: owner.id,
      email: owner.email,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    });
    await this.outbox.queueFor(tenantId, invitationMessage(this.config.get('APP_URL'), { email: owner.email, role: 'owner', token, expiresAt: invitation.expiresAt }));
    await this.audit.writeFor(tenantId, { action: 'user.invited', resourceType: 'invitation', resourceId: invitation.id, changes: { after: { email: owner.email, role: 'owner' } } });
    return invitation;
  }

  async listTenants(query: ListTenantsQuery) {
    const after = decodeCursor(query.cursor);
    const rows = await this.system.run(() => this.repository.listTenants(query, query.limit, after));
    return toPage(rows, query.limit, toTenantResponse);
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
      ...toTenantResponse(tenant),
      effectiveConfig,
      // This calendar month (UTC) so far, as rolled up (behind live traffic by the metering lag).
      usage: {
        period: { start: new Date(month.start).toISOString(), end: new Date(month.end).toISOString() },
        metrics: totals,
        apiCalls: { used: totals[API_CALLS_METRIC] ?? 0, limit: effectiveConfig?.limits[LIMIT.API_CALLS_PER_MONTH] ?? null },
      },
    };
  }

  async updateTenant(id: string, input: UpdateTenantDto) {
    if (input.plan !== undefined && !(await this.system.run(() => this.repository.planExists(input.plan!)))) {
      throw new BadRequestException(`plan "${input.plan}" does not exist`);
    }
    const action = input.plan !== undefined ? 'tenant.plan_changed' : 'tenant.updated';
    return toTenantResponse(await this.changeTenant(id, action, () => ({ ...input })));
  }

  async patchConfig(id: string, patch: Record<string, unknown>) {
    await this.changeTenant(id, 'tenant.config_changed', (current) => ({ config: mergeOverrides(current.config, patch) }));
    return this.getTenant(id);
  }

  async setSuspended(id: string, isSuspended: boolean) {
    const action = isSuspended ? 'tenant.suspended' : 'tenant.resumed';
    return toTenantResponse(await this.changeTenant(id, action, () => ({ status: isSuspended ? 'suspended' : 'active' })));
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
      // The tenant's status (suspended, resumed, deleted) is what its requests are checked against:
      // every API process checks it again on the tenant's next request, before this answer leaves.
      this.system.afterCommit(() => this.accessVersions.bump(id), { isAwaited: true });
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

  private async requireTenant(id: string): Promise<Tenant> {
    const tenant = await this.repository.findTenant(id);
    if (!tenant) throw new NotFoundException('Tenant not found');
    return tenant;
  }
}
