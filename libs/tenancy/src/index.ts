/**
 * Tenancy: the tenant transaction (set_config(..., true) per transaction), the request
 * interceptor that opens it and checks the tenant and user (cached per access version, which
 * every change the check reads bumps), principals, and how a tenant is found from a slug or a host.
 */
export * from './principal';
export * from './tenancy.module';
export * from './tenant-access.cache';
export * from './tenant-access-versions';
export * from './tenant-context';
export * from './tenant-directory.repository';
export * from './tenant-host';
export * from './tenant-request.interceptor';
export * from './tenant-transaction';
