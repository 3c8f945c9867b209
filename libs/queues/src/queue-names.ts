import { EVENT_RETENTION_QUEUE } from './event-queues';
import { AUDIT_RETENTION_QUEUE, EXPORT_QUEUE, PURGE_QUEUE } from './lifecycle-queues';
import { MAIL_QUEUE } from './mail-queues';
import { USAGE_EVENTS_QUEUE, USAGE_QUOTA_QUEUE } from './metering-queues';

/**
 * Every BullMQ queue the product runs. The queue dashboard and the queue metrics show exactly
 * these: a capability that adds a queue adds its name here. (Webhook deliveries need none: the
 * worker claims them from the deliveries table.)
 */
export const ALL_QUEUE_NAMES: readonly string[] = [USAGE_EVENTS_QUEUE, USAGE_QUOTA_QUEUE, PURGE_QUEUE, EXPORT_QUEUE, AUDIT_RETENTION_QUEUE, EVENT_RETENTION_QUEUE, MAIL_QUEUE];
