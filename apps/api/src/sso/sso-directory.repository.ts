import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';

/**
 * The two questions a sign-in asks before it knows the tenant, each answered by one narrow
 * SECURITY DEFINER function (drizzle/0014_sso_rls.sql): the app role sees no other tenant's rows.
 */
@Injectable()
export class SsoDirectoryRepository {
  constructor(@Inject(APP_DATABASE) private readonly database: DatabaseHandle) {}

  /** The tenant of an enabled connection of an active tenant. */
  async tenantOfConnection(connectionId: string): Promise<string | undefined> {
    const [row] = await this.database.db.execute<{ tenant_id: string | null }>(sql`select sso_connection_tenant(${connectionId}::uuid) as tenant_id`);
    return row?.tenant_id ?? undefined;
  }

  /** Home-realm discovery: a verified domain's tenant and its first enabled connection. */
  async discover(domain: string): Promise<{ tenantSlug: string; connectionId: string } | undefined> {
    const [row] = await this.database.db.execute<{ tenant_slug: string; connection_id: string }>(sql`select * from sso_discover(${domain})`);
    return row && { tenantSlug: row.tenant_slug, connectionId: row.connection_id };
  }
}
