import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AppConfig } from '@tenantry/config';
import { LIMIT } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';

/**
 * Deletes events older than each tenant's `event_retention_days` (its override, else its plan's;
 * a tenant with neither keeps its events), across tenants, in bounded statements (each its own
 * short system transaction).
 */
@Injectable()
export class EventRetention {
  private readonly logger = new Logger(EventRetention.name);

  constructor(
    private readonly system: SystemTransaction,
    private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<{ deleted: number }> {
    const batchSize = this.config.get('PURGE_BATCH_SIZE');
    let deleted = 0;
    for (;;) {
      const result = await this.system.run((tx) => tx.execute(sql`
        delete from events where ctid = any(array(
          select e.ctid from events e
          join tenants t on t.id = e.tenant_id
          join plans p on p.key = t.plan
          where e.occurred_at < now() - make_interval(days => coalesce(
            (t.config -> 'limits' ->> ${LIMIT.EVENT_RETENTION_DAYS}::text)::int,
            (p.limits ->> ${LIMIT.EVENT_RETENTION_DAYS}::text)::int))
          limit ${batchSize}))`));
      deleted += result.count;
      if (result.count < batchSize) break;
    }
    if (deleted > 0) this.logger.log(`event retention removed ${deleted} events`);
    return { deleted };
  }
}
