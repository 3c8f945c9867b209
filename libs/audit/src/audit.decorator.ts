import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDIT_ACTION, AuditSpec, NO_AUDIT } from './audit-metadata';
import { AuditInterceptor } from './audit.interceptor';

export { AUDIT_ACTION, NO_AUDIT } from './audit-metadata';
export type { AuditSpec } from './audit-metadata';

/**
 * Marks a mutating route with the action it records, e.g. @Audit('project.updated'). On tenant
 * routes the AuditInterceptor writes the row inside the request's tenant transaction; admin
 * routes write theirs in the admin module's own transaction. The resource type defaults to the
 * action's first part. The interceptor is bound here, to the route, not globally: the other
 * routes do not pay a layer of Nest's interceptor pipeline for it. A route's own interceptors run
 * inside the global ones, so inside the tenant transaction.
 */
export const Audit = (action: string, resourceType = action.split('.')[0]!) =>
  applyDecorators(SetMetadata<string, AuditSpec>(AUDIT_ACTION, { action, resourceType }), UseInterceptors(AuditInterceptor));

/** A mutating route that records nothing itself, with the reason (a test requires one or the other). */
export const NoAudit = (reason: string) => SetMetadata(NO_AUDIT, reason);
