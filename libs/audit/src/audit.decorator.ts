import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'tenantry:auditAction';
export const NO_AUDIT = 'tenantry:noAudit';

export interface AuditSpec {
  action: string;
  resourceType: string;
}

/**
 * Marks a mutating route with the action it records, e.g. @Audit('project.updated'). On tenant
 * routes the AuditInterceptor writes the row inside the request's tenant transaction; admin
 * routes write theirs in the admin module's own transaction. The resource type defaults to the
 * action's first part.
 */
export const Audit = (action: string, resourceType = action.split('.')[0]!) =>
  SetMetadata<string, AuditSpec>(AUDIT_ACTION, { action, resourceType });

/** A mutating route that records nothing itself, with the reason (a test requires one or the other). */
export const NoAudit = (reason: string) => SetMetadata(NO_AUDIT, reason);
