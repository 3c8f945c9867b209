/** The daily removal of events older than each tenant's `event_retention_days`. */
export const EVENT_RETENTION_QUEUE = 'event-retention';

/** One job per attempt of one delivery (an event to an endpoint); the delivery row is the truth, the job a copy. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-deliveries';

export interface WebhookDeliveryJobData {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
  /** Attempts made before this one: a job whose delivery has moved on is stale and does nothing. */
  attemptsMade: number;
}

/** Job id of an attempt: a second copy of the same attempt (the due sweep after a lost lease) is deduplicated while the first is queued. */
export const webhookDeliveryJobId = (deliveryId: string, attemptsMade: number) => `${deliveryId}-${attemptsMade}`;
