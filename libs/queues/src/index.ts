/** BullMQ queues shared by the API (producer) and the worker: names, job data, connections. */
export * from './bull-connection';
export * from './deployment-lock';
export * from './event-queues';
export * from './job-schedules';
export * from './lifecycle-queues';
export * from './mail-queues';
export * from './metering-queues';
export * from './observed-queues';
export * from './queue-names';
export * from './queues.module';
export * from './worker-support';
export * from './bull-classes';
