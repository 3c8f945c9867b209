/** Plans at work: a tenant's effective config (plan defaults merged with its overrides). */
export * from './counted-limits';
export * from './effective-config';
export * from './effective-config.service';
export * from './plans.module';
