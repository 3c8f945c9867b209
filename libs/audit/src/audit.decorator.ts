import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'tenantry:auditAction';
export const NO_AUDIT = 'tenantry:noAudit';
export const AUDITED_IN_SERVICE = 'tenantry:auditedInService';

export interface AuditSpec {
  action: string;
  resourceType: string;
}

/**
 * Marks a mutating tenant route with the action the AuditInterceptor records for it, e.g.
 * @Audit('project.updated'): the interceptor writes the row inside the request's tenant
 * transaction. The resource type defaults to the action's first part. The interceptor writes
 * nothing for system admins, so system-admin routes use @AuditedInService (a test keeps @Audit off them).
 */
export const Audit = (action: string, resourceType = action.split('.')[0]!) =>
  SetMetadata<string, AuditSpec>(AUDIT_ACTION, { action, resourceType });

/**
 * A mutating route whose service writes the audit rows itself, in the transaction that makes the
 * change (the admin module, through AuditWriter.writeFor / writeSystem), naming every action it may
 * write: what the route records, and who records it.
 */
export const AuditedInService = (...actions: [string, ...string[]]) => SetMetadata(AUDITED_IN_SERVICE, actions);

/** A mutating route that records nothing itself, with the reason (a test requires one or the other). */
export const NoAudit = (reason: string) => SetMetadata(NO_AUDIT, reason);
