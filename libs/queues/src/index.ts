/** BullMQ queues shared by the API (producer) and the worker: names, job data, connections. */
export * from './bull-connection';
export * from './lifecycle-queues';
export * from './metering-queues';
export * from './queues.module';
