import { Injectable } from '@nestjs/common';
import { and, desc, eq } from 'drizzle-orm';
import { EventRow, events } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

/** Reads of the tenant's event log; (tenant_id, occurred_at, id) and (tenant_id, type, ...) serve them. */
@Injectable()
export class EventsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(filter: { type?: string }, limit: number, after: KeysetPosition | undefined): Promise<EventRow[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(events)
      .where(and(eq(events.tenantId, tenantId), filter.type ? eq(events.type, filter.type) : undefined, afterPosition(events.occurredAt, events.id, after)))
      .orderBy(desc(events.occurredAt), desc(events.id))
      .limit(limit + 1);
  }
}
