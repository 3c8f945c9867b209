/**
 * The tenant event log (the webhooks' outbox): the event types, the documented event shape and
 * the EventLog that writes events in the transaction of the change.
 */
export * from './event-log';
export * from './event-notifier';
export * from './event-shape';
export * from './event-types';
export * from './events.module';
