export const AUDIT_ACTION = 'tenantry:auditAction';
export const NO_AUDIT = 'tenantry:noAudit';

export interface AuditSpec {
  action: string;
  resourceType: string;
}
