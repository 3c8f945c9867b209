import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditWriter } from '@tenantry/audit';
import { AppConfig } from '@tenantry/config';
import { SystemTransaction } from '@tenantry/system-db';
import { tenantTablesChildrenFirst } from './tenant-catalog';

export class PurgeRefusedError extends Error {}

export interface PurgeResult {
  tenantId: string;
  deleted: Record<string, number>;
  tenantRowDeleted: boolean;
}

/**
 * Hard-deletes every row of a deleted tenant: table by table, children before parents, in
 * bounded batches (each its own short system transaction), then the tenant row with the record of
 * the purge. A cross-tenant sweep, so it runs on the system connection. Running it again after a
 * crash simply continues.
 */
@Injectable()
export class TenantPurger {
  private readonly logger = new Logger(TenantPurger.name);

  constructor(
    private readonly system: SystemTransaction,
    private readonly config: AppConfig,
    private readonly audit: AuditWriter,
  ) {}

  async purge(tenantId: string): Promise<PurgeResult> {
    const tables = await this.system.run(async (tx) => {
      const [tenant] = await tx.execute<{ status: string }>(sql`select status from tenants where id = ${tenantId}`);
      if (tenant && tenant.status !== 'deleted') {
        throw new PurgeRefusedError(`tenant ${tenantId} is ${tenant.status}, not deleted: refusing to purge`);
      }
      return tenantTablesChildrenFirst(tx);
    });
    const batchSize = this.config.get('PURGE_BATCH_SIZE');
    const deleted: Record<string, number> = {};
    // Crypto-shredding: the wrapped data key goes first, so from this statement on every
    // ciphertext of the tenant (here, in a backup, or left by a purge that stops half-way) is unreadable.
    deleted.tenant_data_keys = (await this.system.run((tx) => tx.execute(sql`delete from tenant_data_keys where tenant_id = ${tenantId}`))).count;
    for (const table of tables) {
      deleted[table] ??= 0;
      for (;;) {
        const rows = await this.system.run((tx) =>
          tx.execute(
            sql`delete from ${sql.identifier(table)} where ctid = any(array(
                  select ctid from ${sql.identifier(table)} where tenant_id = ${tenantId} limit ${batchSize}))`,
          ),
        );
        deleted[table] += rows.count;
        if (rows.count < batchSize) break;
      }
    }
    const removed = await this.system.run(async (tx) => {
      const removed = await tx.execute(sql`delete from tenants where id = ${tenantId} and status = 'deleted'`);
      // The tenant's own log went with it; this record of the purge stays.
      await this.audit.writeSystem({ action: 'tenant.purged', targetTenantId: tenantId, details: { deleted, tenantRowDeleted: removed.count > 0 } });
      return removed;
    });
    this.logger.log(`purged tenant ${tenantId}: ${JSON.stringify(deleted)}`);
    return { tenantId, deleted, tenantRowDeleted: removed.count > 0 };
  }
}
