import {
  CallHandler,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnauthorizedException,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { AppConfig } from '@tenantry/config';
import { Principal } from './principal';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { slugFromHost } from './tenant-host';
import { TenantScope } from './tenant-context';
import { TenantTransaction } from './tenant-transaction';

export const TRANSACTIONS_IN_SERVICE = 'tenancy:transactionsInService';

/**
 * A tenant route whose work includes slow I/O (a DNS lookup, a call to another server): the
 * request's checks run in a short tenant transaction of their own, the handler then runs outside
 * any transaction, and its service opens short ones around its database steps with
 * `TenantTransaction.runForRequest`, never holding a connection and its locks across the I/O.
 * Such a route's audit rows are written by the service (@AuditedInService), in the step that
 * makes the change.
 */
export const TenantTransactionsInService = (reason: string) => SetMetadata(TRANSACTIONS_IN_SERVICE, reason);

/**
 * Wraps every request of a tenant principal in one tenant transaction: the handler and every
 * repository it calls see only that tenant's rows, and an exception rolls everything back.
 * Before the handler runs, the tenant must exist, be active, and match the host's slug, and a
 * user must still exist with the role its token names.
 */
@Injectable()
export class TenantRequestInterceptor implements NestInterceptor {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = request.user;
    if (principal?.kind !== 'tenant') return next.handle();

    const hostSlug = slugFromHost(request.headers.host, this.config.get('BASE_DOMAIN'));
    const scope: TenantScope = { tenantId: principal.tenantId, userId: principal.actorType === 'user' ? principal.subjectId : undefined };
    const check = async () => {
      const tenant =
        principal.actorType === 'user'
          ? await this.directory.currentWithUser(principal.subjectId, principal.sessionId)
          : { ...(await this.directory.current()), userRole: principal.role, sessionRevokedAt: null };
      if (!tenant?.id) throw new UnauthorizedException('Unknown tenant');
      // A removed user, or one whose role changed since the token was issued, signs in again.
      if (tenant.userRole !== principal.role) {
        throw new UnauthorizedException('These credentials are no longer valid; sign in again');
      }
      if (tenant.sessionRevokedAt) throw new UnauthorizedException('This session has been signed out; sign in again');
      if (tenant.status === 'suspended') throw new ForbiddenException('Tenant is suspended');
      if (tenant.status === 'deleted') throw new ForbiddenException('Tenant has been deleted');
      if (hostSlug !== undefined && hostSlug !== tenant.slug) {
        throw new ForbiddenException('The host names a different tenant than the credentials');
      }
    };
    if (this.reflector.get<string | undefined>(TRANSACTIONS_IN_SERVICE, context.getHandler()) !== undefined) {
      return from(
        (async () => {
          await this.tenantTransaction.run(scope, check);
          return this.tenantTransaction.withRequestScope(scope, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
        })(),
      );
    }
    return from(
      this.tenantTransaction.run(scope, async () => {
        await check();
        return lastValueFrom(next.handle(), { defaultValue: undefined });
      }),
    );
  }
}

/**
 * On every controller with a route that is not @Public(): its tenant requests run in one tenant
 * transaction (TenantRequestInterceptor), ahead of the routes' own interceptors (@Audit's, so an
 * audit row commits with the change or not at all). Bound per controller rather than as a global
 * interceptor so the public routes (the probes, sign-in), which never carry a principal, skip
 * Nest's interceptor pipeline altogether; test/e2e/tenant-request-binding checks that every
 * route that is not public has it first.
 */
export const TenantRequests = () => UseInterceptors(TenantRequestInterceptor);
