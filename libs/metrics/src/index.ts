/**
 * Prometheus metrics: the registry, the series the capabilities increment, and the scrape-time
 * sources (database pools, queues) other libs register.
 */
export * from './metrics';
export * from './metrics-scrape';
export * from './metering-metrics';
export * from './scrape-time';
export * from './webhook-metrics';
