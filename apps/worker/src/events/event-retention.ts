import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { LIMIT } from '@tenantry/plans';
import { SystemTransaction } from '@tenantry/system-db';
import { deleteExpiredRows } from '../lifecycle/retention-sweep';

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
    const deleted = await deleteExpiredRows(
      this.system,
      { table: 'events', timeColumn: 'occurred_at', limitName: LIMIT.EVENT_RETENTION_DAYS },
      this.config.get('PURGE_BATCH_SIZE'),
    );
    if (deleted > 0) this.logger.log(`event retention removed ${deleted} events`);
    return { deleted };
  }
}
