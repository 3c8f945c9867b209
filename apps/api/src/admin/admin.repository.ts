import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { DatabaseHandle, plans, systemAdmins, TenantConfigOverrides, tenants, users } from '@tenantry/db';
import { SYSTEM_DATABASE } from '@tenantry/system-db';

export interface NewTenant {
  slug: string;
  name: string;
  plan: string;
  config: TenantConfigOverrides;
  owner: { email: string; passwordHash: string };
}

/** Every query of the admin module. It runs on the system (BYPASSRLS) pool, on purpose. */
@Injectable()
export class AdminRepository {
  constructor(@Inject(SYSTEM_DATABASE) private readonly database: DatabaseHandle) {}

  async findAdminByEmail(email: string) {
    const rows = await this.database.db.select().from(systemAdmins).where(eq(systemAdmins.email, email));
    return rows[0];
  }

  async planExists(key: string): Promise<boolean> {
    const rows = await this.database.db.select({ key: plans.key }).from(plans).where(eq(plans.key, key));
    return rows.length > 0;
  }

  /** The tenant and its first owner in one transaction: both or neither. */
  createTenantWithOwner(input: NewTenant) {
    return this.database.db.transaction(async (tx) => {
      const [tenant] = await tx
        .insert(tenants)
        .values({ slug: input.slug, name: input.name, plan: input.plan, config: input.config })
        .returning();
      const [owner] = await tx
        .insert(users)
        .values({ tenantId: tenant!.id, email: input.owner.email, passwordHash: input.owner.passwordHash, role: 'owner' })
        .returning({ id: users.id, email: users.email, role: users.role });
      return { tenant: tenant!, owner: owner! };
    });
  }

  async findTenant(id: string) {
    const rows = await this.database.db.select().from(tenants).where(eq(tenants.id, id));
    return rows[0];
  }
}
