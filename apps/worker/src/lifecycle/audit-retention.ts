import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { LIMIT } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';
import { deleteExpiredRows } from './retention-sweep';

/**
 * Deletes audit rows older than each tenant's `audit_retention_days` (its override, else its
 * plan's), across tenants, in bounded batches (each its own short system transaction). The one path besides purge that removes audit rows;
 * the system role may delete them, the app role may not.
 */
@Injectable()
export class AuditRetention {
  private readonly logger = new Logger(AuditRetention.name);

  constructor(
    private readonly system: SystemTransaction,
    private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<{ deleted: number }> {
    const deleted = await deleteExpiredRows(
      this.system,
      { table: 'audit_logs', timeColumn: 'at', limitName: LIMIT.AUDIT_RETENTION_DAYS },
      this.config.get('PURGE_BATCH_SIZE'),
    );
    if (deleted > 0) this.logger.log(`audit retention removed ${deleted} rows`);
    return { deleted };
  }
}
