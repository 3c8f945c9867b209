import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle, preparedQuery, TenantRole, tenants, TenantStatus, users, userSessions } from '@tenantry/db';
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
    .select({ ...identity, userRole: users.role, sessionRevokedAt: userSessions.revokedAt })
    .from(tenants)
    .leftJoin(users, and(eq(users.tenantId, tenants.id), eq(users.id, sql.placeholder('userId')), eq(users.status, 'active')))
    // The token's session (a primary-key probe; no session id matches no row): revoked, it ends here.
    .leftJoin(userSessions, and(eq(userSessions.tenantId, tenants.id), eq(userSessions.id, sql.placeholder('sessionId'))))
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
   * The tenant of the active transaction, that user's current role (null when the user no longer
   * exists or is deactivated) and when the token's session was revoked (null while it is not, or without a session):
   * one round trip for the per-request checks.
   */
  async currentWithUser(
    userId: string,
    sessionId?: string,
  ): Promise<(TenantIdentity & { userRole: TenantRole | null; sessionRevokedAt: Date | null }) | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tenantWithUser(tx, { tenantId, userId, sessionId: sessionId ?? null });
    return rows[0];
  }

  /** The tenant of the active transaction (RLS shows the app role no other row). */
  async current(): Promise<TenantIdentity | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await currentTenant(tx, { tenantId });
    return rows[0];
  }
}
