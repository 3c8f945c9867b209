export const AUDIT_ACTION = 'tenantry:auditAction';
export const NO_AUDIT = 'tenantry:noAudit';
export const AUDITED_IN_SERVICE = 'tenantry:auditedInService';

export interface AuditSpec {
  action: string;
  resourceType: string;
}
