import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/** Webhook delivery attempts by outcome; no tenant or endpoint labels (bounded cardinality). */
export const webhookDeliveryAttempts = new Counter({
  name: 'tenantry_webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by outcome: succeeded, retrying (failed, another attempt is scheduled), failed (no attempt left), skipped (endpoint disabled), stale (another copy of the attempt was recorded first)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** From the event's commit to the receiver's 2xx, of deliveries that succeeded. */
export const webhookDeliveryLatency = new Histogram({
  name: 'tenantry_webhook_delivery_latency_seconds',
  help: 'Seconds from the commit of an event to the 2xx of its webhook delivery',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
  registers: [metricsRegistry],
});

/** Duration of one HTTP attempt, whatever its outcome. */
export const webhookAttemptDuration = new Histogram({
  name: 'tenantry_webhook_attempt_duration_seconds',
  help: 'Seconds one webhook HTTP attempt took, from connect to the first kilobyte of the answer (or the timeout)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [metricsRegistry],
});

/** Attempts this worker process has claimed and not yet recorded (at most WEBHOOK_WORKER_CONCURRENCY). */
export const webhookDeliveriesInFlight = new Gauge({
  name: 'tenantry_webhook_deliveries_in_flight',
  help: 'Webhook delivery attempts this worker process has leased and not yet recorded',
  registers: [metricsRegistry],
});
