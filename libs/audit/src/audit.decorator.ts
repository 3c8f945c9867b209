import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDIT_ACTION, AUDITED_IN_SERVICE, AuditSpec, NO_AUDIT } from './audit-metadata';
import { AuditInterceptor } from './audit.interceptor';

export { AUDIT_ACTION, AUDITED_IN_SERVICE, NO_AUDIT } from './audit-metadata';
export type { AuditSpec } from './audit-metadata';

/**
 * Marks a mutating tenant route with the action the AuditInterceptor records for it, e.g.
 * @Audit('project.updated'): the interceptor writes the row inside the request's tenant
 * transaction. The resource type defaults to the action's first part. The interceptor writes
 * nothing for system admins, so system-admin routes use @AuditedInService (a test keeps @Audit off
 * them). The interceptor is bound here, to the route, not globally: the other routes do not pay a
 * layer of Nest's interceptor pipeline for it. A route's own interceptors run inside the global
 * ones, so inside the tenant transaction.
 */
export const Audit = (action: string, resourceType = action.split('.')[0]!) =>
  applyDecorators(SetMetadata<string, AuditSpec>(AUDIT_ACTION, { action, resourceType }), UseInterceptors(AuditInterceptor));

/**
 * A mutating route whose service writes the audit rows itself, in the transaction that makes the
 * change (the admin module, through AuditWriter.writeFor / writeSystem), naming every action it may
 * write: what the route records, and who records it.
 */
export const AuditedInService = (...actions: [string, ...string[]]) => SetMetadata(AUDITED_IN_SERVICE, actions);

/** A mutating route that records nothing itself, with the reason (a test requires one or the other). */
export const NoAudit = (reason: string) => SetMetadata(NO_AUDIT, reason);
