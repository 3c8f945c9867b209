/**
 * Tenant secrets with envelope encryption: a per-tenant AES-256-GCM data key, wrapped by a master
 * key of the MASTER_KEYS ring (or a KMS behind MasterKeyProvider). TenantSecrets puts, gets and
 * deletes values by name inside the active tenant transaction; rewrapAllDataKeys is the resumable
 * sweep behind `npm run keys:rotate`.
 */
export * from './envelope';
export * from './master-key-source';
export * from './master-keys';
export * from './rewrap';
export * from './secrets.module';
export * from './tenant-secrets';
