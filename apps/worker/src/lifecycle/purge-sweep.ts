import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { LifecycleQueues } from '@tenantry/queues';
import { SystemTransaction } from '@tenantry/system-db';

/**
 * Queues the purge of every deleted tenant that still has rows. Deleting a tenant commits first
 * and queues its purge after; when Redis could not take the job then (the API answered 503), this
 * sweep queues it, so no deletion is forgotten. Queuing is idempotent (one job per tenant), so the
 * sweep may run anywhere and often.
 */
@Injectable()
export class PurgeSweep {
  private readonly logger = new Logger(PurgeSweep.name);

  constructor(
    private readonly system: SystemTransaction,
    private readonly queues: LifecycleQueues,
  ) {}

  async sweep(): Promise<{ queued: number }> {
    // Read first, queue after: no transaction is held while Redis is called.
    const deleted = await this.system.run((tx) => tx.execute<{ id: string }>(sql`select id from tenants where status = 'deleted' order by id`));
    for (const { id } of deleted) await this.queues.enqueuePurge(id);
    if (deleted.length > 0) this.logger.log(`purge sweep: ${deleted.length} deleted tenant(s) have their purge queued`);
    return { queued: deleted.length };
  }
}
