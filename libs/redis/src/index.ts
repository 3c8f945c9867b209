/** The shared Redis client (REDIS), the plain message that says how to start Redis, call timeouts and their 503 error, readiness probes. */
export * from './dependency-probe';
export * from './dependency-unavailable';
export * from './redis.module';
export * from './with-timeout';
