import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { sha256 } from './secrets';

export const SCIM_TOKEN_PATTERN = /^scim_[A-Za-z0-9_-]{43}$/;

/**
 * Resolves `Authorization: Bearer scim_...` on a SCIM route to the token's tenant. Like API keys,
 * no cache: a revoked token fails on its very next request. A directory acts with an admin's
 * reach (it manages members, never owners).
 */
@Injectable()
export class ScimTokenAuthenticator {
  constructor(@Inject(APP_DATABASE) private readonly database: DatabaseHandle) {}

  async authenticate(token: string): Promise<TenantPrincipal | undefined> {
    if (!SCIM_TOKEN_PATTERN.test(token)) return undefined;
    const rows = await this.database.db.execute<{ token_tenant_id: string; token_id: string }>(
      sql`select token_tenant_id, token_id from scim_token_authenticate(${sha256(token)})`,
    );
    const row = rows[0];
    if (!row) return undefined;
    return { kind: 'tenant', tenantId: row.token_tenant_id, subjectId: row.token_id, actorType: 'scim_token', role: 'admin' };
  }
}
