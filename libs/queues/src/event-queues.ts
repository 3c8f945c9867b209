/** The daily removal of events older than each tenant's `event_retention_days`. */
export const EVENT_RETENTION_QUEUE = 'event-retention';
