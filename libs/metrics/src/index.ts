/** Prometheus metrics: the registry and the series the capabilities increment. */
export * from './metrics';
export * from './metering-metrics';
