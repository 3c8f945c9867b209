/** Who a tenant transaction acts for; becomes app.current_tenant_id and app.current_user_id. */
export interface TenantScope {
  tenantId: string;
  userId?: string;
}

/** A repository ran outside a tenant transaction: a programming error, never an unscoped query. */
export class MissingTenantTransactionError extends Error {
  constructor() {
    super('No tenant transaction is active: tenant repositories must run inside TenantTransaction.run()');
    this.name = 'MissingTenantTransactionError';
  }
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
