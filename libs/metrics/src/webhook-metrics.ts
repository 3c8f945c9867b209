import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';
import { scrapeTimeSource } from './scrape-time';

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

/** The webhook work waiting in the database, counted at scrape time (the deliveries' queue depth). */
export interface WebhookBacklog {
  /** Deliveries due (first attempts, retries whose time has come, replays) and not leased by any worker. */
  due: number;
  /** Committed events not yet fanned out into deliveries. */
  undispatchedEvents: number;
}

/** How long a scrape waits for the database to count the backlog: a slow database must never hang /metrics. */
export const WEBHOOK_BACKLOG_TIMEOUT_MS = 1000;

const backlog = scrapeTimeSource<WebhookBacklog>(WEBHOOK_BACKLOG_TIMEOUT_MS, undefined);

/** Reports the backlog on every scrape (the worker does) until the returned function is called. */
export const watchWebhookBacklog = (source: () => Promise<WebhookBacklog>): (() => void) => backlog.watch(source);

/** Both backlog series: one count per scrape, absent when there is no source, or it failed or was slow. */
const backlogGauge = (name: string, help: string, value: (backlog: WebhookBacklog) => number) =>
  new Gauge({
    name,
    help,
    labelNames: ['counted'] as const,
    registers: [metricsRegistry],
    async collect() {
      const counted = await backlog.read();
      this.reset();
      if (counted) this.set({ counted: 'database' }, value(counted));
    },
  });

backlogGauge(
  'tenantry_webhook_deliveries_due',
  'Webhook deliveries due and not leased by any worker (the delivery queue depth, all workers together), counted in the database at scrape time; absent when the count failed or took over 1 s',
  (counted) => counted.due,
);
backlogGauge(
  'tenantry_webhook_events_undispatched',
  'Committed events not yet fanned out into webhook deliveries, counted in the database at scrape time; absent when the count failed or took over 1 s',
  (counted) => counted.undispatchedEvents,
);
