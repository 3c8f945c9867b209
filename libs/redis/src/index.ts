/** The shared Redis client (REDIS), the plain message that says how to start Redis, and call timeouts. */
export * from './redis.module';
export * from './with-timeout';
