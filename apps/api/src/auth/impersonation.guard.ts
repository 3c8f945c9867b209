import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUDIT_ACTION, AuditSpec, AuditWriter } from '@tenantry/audit';
import { IMPERSONATION_REFUSED, ImpersonationRefusal } from '@tenantry/auth';
import { Principal, TenantTransaction } from '@tenantry/tenancy';

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Global, after the access guard: refuses what @RefuseImpersonation marks when the caller holds an
 * impersonation token. The refusal is written to the tenant's audit log in a transaction of its
 * own (the request's would roll back with the 403), naming the user and the impersonating admin.
 */
@Injectable()
export class ImpersonationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenantTransaction: TenantTransaction,
    private readonly audit: AuditWriter,
  ) {}

  // Synchronous when nothing is refused: Nest awaits only the guards that return a promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = request.user;
    if (principal?.kind !== 'tenant' || !principal.impersonatorId) return true;
    const refusal = this.reflector.get<ImpersonationRefusal | undefined>(IMPERSONATION_REFUSED, context.getHandler());
    if (!refusal || (refusal.when && !refusal.when(asRecord(request.body)))) return true;
    return this.refuse(context, request, principal, refusal);
  }

  private async refuse(
    context: ExecutionContext,
    request: Request & { user?: Principal },
    principal: Extract<Principal, { kind: 'tenant' }>,
    refusal: ImpersonationRefusal,
  ): Promise<boolean> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_ACTION, context.getHandler());
    await this.tenantTransaction.run({ tenantId: principal.tenantId, userId: principal.subjectId }, () =>
      this.audit.write({
        action: 'impersonation.refused',
        resourceType: spec?.resourceType ?? 'impersonation',
        resourceId: typeof request.params.id === 'string' ? request.params.id : null,
        changes: { route: `${request.method} ${request.route?.path ?? request.path}`, attempted: spec?.action ?? null, reason: refusal.reason },
      }),
    );
    throw new ForbiddenException(`Not allowed while impersonating: ${refusal.reason}`);
  }
}
