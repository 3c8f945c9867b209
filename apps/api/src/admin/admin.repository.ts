import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, ilike, or } from 'drizzle-orm';
import {
  invitations,
  Plan,
  plans,
  systemAdmins,
  Tenant,
  TenantConfigOverrides,
  tenants,
  TenantStatus,
  users,
} from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

export interface NewTenant {
  slug: string;
  name: string;
  plan: string;
  config: TenantConfigOverrides;
  owner: { email: string; passwordHash: string | null };
}

export interface TenantFilter {
  status?: TenantStatus;
  plan?: string;
  q?: string;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Every query of the admin module's tenants and plans. It runs on the system (BYPASSRLS) pool, on
 * purpose, inside the caller's SystemTransaction (`tx` throws outside one).
 */
@Injectable()
export class AdminRepository {
  constructor(private readonly system: SystemTransaction) {}

  async adminExists(id: string): Promise<boolean> {
    const rows = await this.system.tx.select({ id: systemAdmins.id }).from(systemAdmins).where(eq(systemAdmins.id, id));
    return rows.length > 0;
  }

  async findPlanByKey(key: string): Promise<Plan | undefined> {
    const rows = await this.system.tx.select().from(plans).where(eq(plans.key, key));
    return rows[0];
  }

  async planExists(key: string): Promise<boolean> {
    return (await this.findPlanByKey(key)) !== undefined;
  }

  /** The tenant and its first owner (in the caller's transaction: all or nothing). */
  async createTenantWithOwner(input: NewTenant) {
    const tx = this.system.tx;
    const [tenant] = await tx
      .insert(tenants)
      .values({ slug: input.slug, name: input.name, plan: input.plan, config: input.config })
      .returning();
    const [owner] = await tx
      .insert(users)
      .values({ tenantId: tenant!.id, email: input.owner.email, passwordHash: input.owner.passwordHash, role: 'owner' })
      .returning({ id: users.id, email: users.email, role: users.role });
    return { tenant: tenant!, owner: owner! };
  }

  /** The first owner's invitation, when provisioning set no password. */
  async createOwnerInvitation(tenantId: string, values: { userId: string; email: string; tokenHash: string; expiresAt: Date }) {
    const [row] = await this.system.tx
      .insert(invitations)
      .values({ tenantId, role: 'owner', ...values })
      .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
    return row!;
  }

  async findTenant(id: string): Promise<Tenant | undefined> {
    const rows = await this.system.tx.select().from(tenants).where(eq(tenants.id, id));
    return rows[0];
  }

  async listTenants(filter: TenantFilter, limit: number, after: KeysetPosition | undefined): Promise<Tenant[]> {
    const pattern = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
    return this.system.tx
      .select()
      .from(tenants)
      .where(
        and(
          filter.status ? eq(tenants.status, filter.status) : undefined,
          filter.plan ? eq(tenants.plan, filter.plan) : undefined,
          pattern ? or(ilike(tenants.slug, pattern), ilike(tenants.name, pattern)) : undefined,
          afterPosition(tenants.createdAt, tenants.id, after),
        ),
      )
      .orderBy(desc(tenants.createdAt), desc(tenants.id))
      .limit(limit + 1);
  }

  async findTenantForUpdate(id: string): Promise<Tenant | undefined> {
    const rows = await this.system.tx.select().from(tenants).where(eq(tenants.id, id)).for('update');
    return rows[0];
  }

  async updateTenant(id: string, changes: Partial<Pick<Tenant, 'name' | 'plan' | 'status' | 'config'>>): Promise<Tenant | undefined> {
    const [row] = await this.system.tx
      .update(tenants)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(tenants.id, id))
      .returning();
    return row;
  }

  async findTenantUser(tenantId: string, userId: string | undefined) {
    const rows = await this.system.tx
      .select({ id: users.id, tenantId: users.tenantId, role: users.role, email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), userId ? eq(users.id, userId) : eq(users.role, 'owner')))
      .orderBy(asc(users.createdAt))
      .limit(1);
    return rows[0];
  }

  /** A tenant's users, newest first, optionally those whose email contains `q`. */
  async listTenantUsers(tenantId: string, filter: { q?: string; limit: number; after?: KeysetPosition }) {
    return this.system.tx
      .select({ id: users.id, email: users.email, role: users.role, status: users.status, createdAt: users.createdAt })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), filter.q ? ilike(users.email, `%${escapeLike(filter.q)}%`) : undefined, afterPosition(users.createdAt, users.id, filter.after)))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(filter.limit + 1);
  }

  async listPlans(): Promise<Plan[]> {
    return this.system.tx.select().from(plans).orderBy(asc(plans.createdAt), asc(plans.key));
  }

  async findPlan(id: string): Promise<Plan | undefined> {
    const rows = await this.system.tx.select().from(plans).where(eq(plans.id, id));
    return rows[0];
  }

  async createPlan(values: { key: string; name: string; features: string[]; limits: Record<string, number> }): Promise<Plan> {
    const [row] = await this.system.tx.insert(plans).values(values).returning();
    return row!;
  }

  async updatePlan(id: string, changes: { name?: string; features?: string[]; limits?: Record<string, number> }): Promise<Plan | undefined> {
    const [row] = await this.system.tx.update(plans).set({ ...changes, updatedAt: new Date() }).where(eq(plans.id, id)).returning();
    return row;
  }
}
