import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AppConfig } from '@tenantry/config';
import { LIMIT } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';

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
    const batchSize = this.config.get('PURGE_BATCH_SIZE');
    let deleted = 0;
    for (;;) {
      const result = await this.system.run((tx) => tx.execute(sql`
        delete from audit_logs where ctid = any(array(
          select a.ctid from audit_logs a
          join tenants t on t.id = a.tenant_id
          join plans p on p.key = t.plan
          where a.at < now() - make_interval(days => coalesce(
            (t.config -> 'limits' ->> ${LIMIT.AUDIT_RETENTION_DAYS}::text)::int,
            (p.limits ->> ${LIMIT.AUDIT_RETENTION_DAYS}::text)::int))
          limit ${batchSize}))`));
      deleted += result.count;
      if (result.count < batchSize) break;
    }
    if (deleted > 0) this.logger.log(`audit retention removed ${deleted} rows`);
    return { deleted };
  }
}
