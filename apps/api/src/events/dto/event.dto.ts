import { IsIn, IsOptional } from 'class-validator';
import { EVENT_TYPES } from '@tenantry/events';
import { PageQuery } from '../../pagination/cursor';

export class EventQuery extends PageQuery {
  /** One event type only. @example "project.created" */
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: `type must be one of ${EVENT_TYPES.join(', ')}` })
  type?: string;
}

/** What changed: the resource as the API presents it, and before an update or removal its earlier state. */
export class EventDataResponse {
  /**
   * The resource after the change (for a removal, as it was).
   * @example {"id": "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11", "name": "Website relaunch 2.0", "description": null, "createdBy": "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3", "createdAt": "2025-01-02T03:04:05.000Z", "updatedAt": "2025-01-03T09:00:00.000Z"}
   */
  object: Record<string, unknown>;

  /**
   * The resource before the change, for updates.
   * @example {"id": "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11", "name": "Website relaunch", "description": null, "createdBy": "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3", "createdAt": "2025-01-02T03:04:05.000Z", "updatedAt": "2025-01-02T03:04:05.000Z"}
   */
  previous?: Record<string, unknown>;
}

/** One event of the tenant's log: exactly what a webhook endpoint receives as the request body. */
export class EventResponse {
  /** Also the `webhook-id` of its deliveries: receivers deduplicate on it. @example "2d1c0b9a-8f7e-4d6c-9b5a-4f3e2d1c0b9a" */
  id: string;

  /** @example "project.updated" */
  type: string;

  /** When the change committed's transaction ran, ISO-8601 UTC. @example "2025-01-03T09:00:00.000Z" */
  occurredAt: string;

  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  tenantId: string;

  data: EventDataResponse;
}

/** One page of events, newest first; pass `nextCursor` as `cursor` for the next. */
export class EventPage {
  data: EventResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDJkMWMw" */
  nextCursor: string | null;
}
