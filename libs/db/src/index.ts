/**
 * The database: drizzle schema, the application-role pool (APP_DATABASE), migrations and the
 * PostgreSQL error helpers. The BYPASSRLS system pool lives apart, in @tenantry/system-db.
 */
export * from './after-commit';
export * from './database';
export * from './db.module';
export * from './migrations';
export * from './pg-errors';
export * from './prepared-query';
export { ConnectionAcquireTimeoutError, ConnectionLostError, TransactionRolledBackError, type TransactionPrelude } from './reserved-transaction';
export * from './schema';
export * from './tokens';
