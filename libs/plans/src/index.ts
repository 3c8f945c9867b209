/** Plans at work: a tenant's effective config (plan defaults merged with its overrides). */
export * from './counted-limits';
export * from './effective-config';
export * from './effective-config.service';
export * from './feature.guard';
export * from './plans.module';
export * from './rate-limit.guard';
export * from './rate-limiter';
export * from './tenant-config-events';
export * from './tenant-limits.cache';
