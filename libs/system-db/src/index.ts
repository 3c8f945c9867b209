/**
 * The system (BYPASSRLS) database pool. Row-level security does not apply to it, so only the
 * admin module and the worker's cross-tenant sweeps may import this lib; a test enforces it.
 */
export * from './system-db.module';
