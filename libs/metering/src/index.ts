/**
 * Usage metering: the UsageRecorder (buffered, batched to the `usage-events` queue), the pure
 * rollup of events into hour/day/month sums, month periods, over-quota flags and the clock.
 */
export * from './clock';
export * from './metering.module';
export * from './over-quota-flags';
export * from './usage-periods';
export * from './usage-recorder';
export * from './usage-rollup';
