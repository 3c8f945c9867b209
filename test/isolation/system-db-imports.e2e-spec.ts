import { productSourceFiles, readSource } from '../support/source-files';

/** Where the BYPASSRLS pool may be used: the admin module and the worker's cross-tenant sweeps. */
const SYSTEM_DB_ALLOWED = [
  /^apps\/api\/src\/admin\//,
  /^apps\/worker\//,
  /^libs\/system-db\//,
  // Writes audit rows into the admin's or the sweep's active SystemTransaction (it takes no handle).
  /^libs\/audit\/src\/audit-writer\.ts$/,
  // Writes the admin's changes to a tenant into its event log, in the active SystemTransaction (no handle).
  /^libs\/events\/src\/event-log\.ts$/,
  // Queues a provisioned tenant's invitation, or a system admin's mail, in the active SystemTransaction (no handle).
  /^libs\/mail\/src\/mail-outbox\.ts$/,
];
const USES_SYSTEM_DB = /from\s+['"](@tenantry\/system-db|[./][^'"]*system-db[^'"]*)['"]|require\(['"][^'"]*system-db/;

/** The raw BYPASSRLS handle: only SystemTransaction holds it; everyone else goes through `tx`. */
const SYSTEM_HANDLE_ALLOWED = [/^libs\/system-db\//];
const USES_SYSTEM_HANDLE = /\bSYSTEM_DATABASE\b/;

/**
 * The raw app-role handle runs statements with no tenant set (RLS then answers with no rows, which
 * looks like success). Only what cannot run inside a TenantTransaction may hold it.
 */
const APP_HANDLE_ALLOWED = [
  /^libs\/db\//,
  // TenantTransaction itself, and the slug lookup that runs before a tenant is known (tenant_by_slug).
  /^libs\/tenancy\/src\/tenant-transaction\.ts$/,
  /^libs\/tenancy\/src\/tenant-directory\.repository\.ts$/,
  // api_key_authenticate and scim_token_authenticate: the security-definer lookups that find the tenant of a key or SCIM token.
  /^libs\/auth\/src\/api-key\.authenticator\.ts$/,
  /^libs\/auth\/src\/scim-token\.authenticator\.ts$/,
  // sso_connection_tenant and sso_discover: the security-definer lookups before a sign-in knows its tenant.
  /^apps\/api\/src\/sso\/sso-directory\.repository\.ts$/,
  // The readiness probe's `select 1`.
  /^apps\/api\/src\/health\/dependency-health\.indicators\.ts$/,
  // Several tenants in one transaction, each after setTenantScope (the helper of libs/tenancy).
  /^apps\/worker\/src\/metering\/usage-rollup\.repository\.ts$/,
];
const USES_APP_HANDLE = /\bAPP_DATABASE\b/;

const files = productSourceFiles();

const offenders = (allowed: RegExp[], uses: RegExp) =>
  files.filter((file) => !allowed.some((pattern) => pattern.test(file))).filter((file) => uses.test(readSource(file)));

describe('the database handles', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('the system (BYPASSRLS) database is imported only by the admin module, the worker and the audit writer', () => {
    expect(offenders(SYSTEM_DB_ALLOWED, USES_SYSTEM_DB)).toEqual([]);
    // The check itself recognises an import when it sees one.
    expect(USES_SYSTEM_DB.test("import { SystemTransaction } from '@tenantry/system-db';")).toBe(true);
    expect(USES_SYSTEM_DB.test("import { x } from '../../libs/system-db/src';")).toBe(true);
  });

  it('the raw system handle is held only by SystemTransaction', () => {
    expect(offenders(SYSTEM_HANDLE_ALLOWED, USES_SYSTEM_HANDLE)).toEqual([]);
    expect(files.some((file) => USES_SYSTEM_HANDLE.test(readSource(file)))).toBe(true);
  });

  it('the raw app-role handle is held only where no TenantTransaction can be', () => {
    expect(offenders(APP_HANDLE_ALLOWED, USES_APP_HANDLE)).toEqual([]);
    // Every allowed place still exists and still needs it: a stale entry would widen the list unseen.
    for (const pattern of APP_HANDLE_ALLOWED.slice(1)) {
      const matching = files.filter((file) => pattern.test(file));
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.some((file) => USES_APP_HANDLE.test(readSource(file)))).toBe(true);
    }
  });
});
