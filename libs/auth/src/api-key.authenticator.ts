import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle, TenantRole } from '@tenantry/db';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { sha256 } from './secrets';

export const API_KEY_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

/**
 * Resolves `Authorization: Bearer sk_...` to a tenant principal. No cache: every request asks
 * the database, so a revoked or expired key fails on its very next request.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(@Inject(APP_DATABASE) private readonly database: DatabaseHandle) {}

  async authenticate(key: string): Promise<TenantPrincipal | undefined> {
    if (!API_KEY_PATTERN.test(key)) return undefined;
    const rows = await this.database.db.execute<{ key_tenant_id: string; key_id: string; key_role: TenantRole }>(
      sql`select key_tenant_id, key_id, key_role from api_key_authenticate(${sha256(key)})`,
    );
    const row = rows[0];
    if (!row) return undefined;
    return { kind: 'tenant', tenantId: row.key_tenant_id, subjectId: row.key_id, actorType: 'api_key', role: row.key_role };
  }
}
