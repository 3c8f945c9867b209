import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { DatabaseHandle } from '@tenantry/db';
import { SYSTEM_DATABASE } from '@tenantry/system-db';
import { tenantTablesChildrenFirst } from './tenant-catalog';

export class PurgeRefusedError extends Error {}

export interface PurgeResult {
  tenantId: string;
  deleted: Record<string, number>;
  tenantRowDeleted: boolean;
}

/**
 * Hard-deletes every row of a deleted tenant: table by table, children before parents, in
 * bounded batches (each its own short statement), then the tenant row. A cross-tenant sweep, so
 * it runs on the system connection. Running it again after a crash simply continues.
 */
@Injectable()
export class TenantPurger {
  private readonly logger = new Logger(TenantPurger.name);

  constructor(
    @Inject(SYSTEM_DATABASE) private readonly database: DatabaseHandle,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
  ) {}

  async purge(tenantId: string): Promise<PurgeResult> {
    const { db } = this.database;
    const [tenant] = await db.execute<{ status: string }>(sql`select status from tenants where id = ${tenantId}`);
    if (tenant && tenant.status !== 'deleted') {
      throw new PurgeRefusedError(`tenant ${tenantId} is ${tenant.status}, not deleted: refusing to purge`);
    }
    const batchSize = this.config.get('PURGE_BATCH_SIZE');
    const deleted: Record<string, number> = {};
    // Crypto-shredding: the wrapped data key goes first, so from this statement on every
    // ciphertext of the tenant (here, in a backup, or left by a purge that stops half-way) is unreadable.
    deleted.tenant_data_keys = (await db.execute(sql`delete from tenant_data_keys where tenant_id = ${tenantId}`)).count;
    for (const table of await tenantTablesChildrenFirst(db)) {
      deleted[table] ??= 0;
      for (;;) {
        const rows = await db.execute(
          sql`delete from ${sql.identifier(table)} where ctid = any(array(
                select ctid from ${sql.identifier(table)} where tenant_id = ${tenantId} limit ${batchSize}))`,
        );
        deleted[table] += rows.count;
        if (rows.count < batchSize) break;
      }
    }
    const removed = await db.execute(sql`delete from tenants where id = ${tenantId} and status = 'deleted'`);
    // The tenant's own log went with it; this record of the purge stays.
    await this.audit.writeSystem(db, { action: 'tenant.purged', targetTenantId: tenantId, details: { deleted, tenantRowDeleted: removed.count > 0 } });
    this.logger.log(`purged tenant ${tenantId}: ${JSON.stringify(deleted)}`);
    return { tenantId, deleted, tenantRowDeleted: removed.count > 0 };
  }
}
