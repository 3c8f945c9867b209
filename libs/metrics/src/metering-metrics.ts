import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/** Usage events per flush of an API process's buffer. */
export const meteringFlushSize = new Histogram({
  name: 'tenantry_metering_flush_events',
  help: 'Usage events written to the queue per flush of the API buffer',
  buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
  registers: [metricsRegistry],
});

/** Age of the oldest event of a flush: how far behind the buffer runs. */
export const meteringFlushLag = new Histogram({
  name: 'tenantry_metering_flush_lag_seconds',
  help: 'Age of the oldest usage event when its flush reached the queue',
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

export const meteringBufferedEvents = new Gauge({
  name: 'tenantry_metering_buffered_events',
  help: 'Usage events held in memory, not yet in the queue',
  registers: [metricsRegistry],
});

export const meteringDroppedEvents = new Counter({
  name: 'tenantry_metering_dropped_events_total',
  help: 'Usage events dropped because the buffer was full while the queue was unreachable, or because they were malformed',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Worker side: from the oldest event of a batch to its sums being committed. */
export const meteringRollupLag = new Histogram({
  name: 'tenantry_metering_rollup_lag_seconds',
  help: 'Age of the oldest usage event of a batch when its rollup committed',
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

export const meteringRolledUpEvents = new Counter({
  name: 'tenantry_metering_rolled_up_events_total',
  help: 'Usage events summed into rollups (replayed batches are not counted again)',
  registers: [metricsRegistry],
});

export const quotaRejections = new Counter({
  name: 'tenantry_quota_rejections_total',
  help: 'Tenant requests refused with 429 because the tenant is over its monthly API calls',
  registers: [metricsRegistry],
});
