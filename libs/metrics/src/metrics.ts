import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and the series other code increments. Labels stay bounded:
 * route templates, methods, statuses, plans; never a tenant id or a raw URL.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'tenantry_http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const rateLimitRejections = new Counter({
  name: 'tenantry_rate_limit_rejections_total',
  help: 'Tenant requests refused with 429 by the per-tenant rate limit',
  registers: [metricsRegistry],
});

export const rateLimitFailOpen = new Counter({
  name: 'tenantry_rate_limit_fail_open_total',
  help: 'Tenant requests let through unlimited because Redis did not answer',
  registers: [metricsRegistry],
});
