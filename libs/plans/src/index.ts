/**
 * Plans at work: the one home of a tenant's effective config (plan defaults merged with its
 * overrides): its limit and feature names, its validators, its cache, and the rules that apply it.
 */
export * from './config-names';
export * from './config-validation';
export * from './counted-limits';
export * from './effective-config';
export * from './effective-config.cache';
export * from './effective-config.service';
export * from './feature.guard';
export * from './plans.module';
export * from './rate-limit.guard';
export * from './rate-limit-state';
export * from './rate-limiter';
export * from './tenant-config-events';
