import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle, preparedQuery, TenantRole, tenants, TenantStatus, users } from '@tenantry/db';
import { TenantTransaction } from './tenant-transaction';

export interface TenantIdentity {
  id: string;
  slug: string;
  name: string;
  plan: string;
  status: TenantStatus;
}

const identity = { id: tenants.id, slug: tenants.slug, name: tenants.name, plan: tenants.plan, status: tenants.status };

// The per-request check, built once (see preparedQuery): it leaves with BEGIN and set_config.
const tenantWithUser = preparedQuery('tenancy.tenantWithUser', (tx) =>
  tx
    .select({ ...identity, userRole: users.role })
    .from(tenants)
    .leftJoin(users, and(eq(users.tenantId, tenants.id), eq(users.id, sql.placeholder('userId')), eq(users.status, 'active')))
    .where(eq(tenants.id, sql.placeholder('tenantId'))),
);
const currentTenant = preparedQuery('tenancy.currentTenant', (tx) => tx.select(identity).from(tenants).where(eq(tenants.id, sql.placeholder('tenantId'))));

/** Reads of the tenants table that tenancy itself needs. */
@Injectable()
export class TenantDirectoryRepository {
  constructor(
    @Inject(APP_DATABASE) private readonly database: DatabaseHandle,
    private readonly tenantTransaction: TenantTransaction,
  ) {}

  /** Before a tenant is known (login): the security-definer lookup, nothing else of the table. */
  async findBySlug(slug: string): Promise<{ id: string; status: TenantStatus } | undefined> {
    const rows = await this.database.db.execute<{ id: string; status: TenantStatus }>(
      sql`select id, status from tenant_by_slug(${slug})`,
    );
    return rows[0];
  }

  /**
   * The tenant of the active transaction and, when a user id is given, that user's current role
   * (undefined when the user no longer exists or is deactivated): one round trip for the per-request checks.
   */
  async currentWithUser(userId: string): Promise<(TenantIdentity & { userRole: TenantRole | null }) | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tenantWithUser(tx, { tenantId, userId });
    return rows[0];
  }

  /** The tenant of the active transaction (RLS shows the app role no other row). */
  async current(): Promise<TenantIdentity | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await currentTenant(tx, { tenantId });
    return rows[0];
  }
}
