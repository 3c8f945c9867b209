/** The shared Redis client (REDIS) and the plain message that says how to start Redis. */
export * from './redis.module';
