import type { EventData, EventRow } from '@tenantry/db';

/** The documented shape of an event: what `GET /v1/events` lists and what a webhook receives. */
export interface TenantEvent {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: EventData;
}

export const presentEvent = (row: Pick<EventRow, 'id' | 'type' | 'occurredAt' | 'tenantId' | 'data'>): TenantEvent => ({
  id: row.id,
  type: row.type,
  occurredAt: row.occurredAt.toISOString(),
  tenantId: row.tenantId,
  data: row.data,
});
