import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import type { Principal } from '@tenantry/tenancy';
import { AUDIT_ACTION, AuditSpec } from './audit-metadata';
import { AuditTrail } from './audit-trail';
import { AuditWriter } from './audit-writer';
import { pick, redactSecrets } from './redact';

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * Writes the audit row of every @Audit tenant route after the handler succeeded and before the
 * tenant transaction commits (@Audit binds it to the route, so it runs inside the global
 * TenantRequestInterceptor): the change and its record commit together or not at all.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly writer: AuditWriter,
    private readonly trail: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_ACTION, context.getHandler());
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = request.user;
    if (!spec || principal?.kind !== 'tenant') return next.handle();
    return next.handle().pipe(
      mergeMap(async (result) => {
        const body = asRecord(request.body) ?? {};
        const response = asRecord(result);
        const { before, resourceId } = this.trail.take();
        const changedKeys = Object.keys(body);
        const changes =
          request.method === 'POST'
            ? { after: response ?? body }
            : request.method === 'PATCH'
              ? { before: pick(before, changedKeys), after: pick(response, changedKeys) ?? body }
              : { before };
        await this.writer.write({
          action: spec.action,
          resourceType: spec.resourceType,
          // A route about the tenant itself (settings, export) is about the caller's tenant.
          resourceId: String(response?.id ?? resourceId ?? request.params.id ?? (spec.resourceType === 'tenant' ? principal.tenantId : '') ?? '') || null,
          changes: redactSecrets(changes) as Record<string, unknown>,
        });
        return result;
      }),
    );
  }
}
