/**
 * The system (BYPASSRLS) database: SystemTransaction, the only way in. Row-level security does not
 * apply to it, so only the admin module, the worker's cross-tenant sweeps and the audit writer
 * (which writes into an active one) may import this lib; a test enforces it.
 */
export * from './system-db.module';
export * from './system-transaction';
