import { CallHandler, ExecutionContext, ForbiddenException, Inject, Injectable, NestInterceptor, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { INTERCEPTORS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CLS_REQ, ClsService } from 'nestjs-cls';
import { from, isObservable, lastValueFrom, Observable } from 'rxjs';
import { AppConfig } from '@tenantry/config';
import { Principal } from './principal';
import { TenantAccessCache } from './tenant-access.cache';
import { requestAccessVersion } from './tenant-access-versions';
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
 * user must still exist, be active, have the role its token names, and its session must not be
 * signed out. That check is read in the transaction, unless this process saw it pass under the
 * tenant's current access version (TenantAccessCache): then only the host is compared.
 */
@Injectable()
export class TenantRequestInterceptor implements NestInterceptor {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly directory: TenantDirectoryRepository,
    private readonly accessCache: TenantAccessCache,
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const running = this.runRequest(request, context.getHandler(), () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    return running ? from(running) : next.handle();
  }

  /**
   * A route handler wrapped by @TenantRequests() (one without interceptors of its own): the same
   * transaction and checks as `intercept`, for the request of the current context, without Nest's
   * interceptor pipeline around it. Fails closed: without the request in the async context (the
   * request-context middleware covers every route), the handler does not run. An Observable the
   * handler returns is consumed inside the transaction, as the interceptor's pipeline would.
   */
  runHandler(handler: (...args: unknown[]) => unknown, controller: unknown, args: unknown[]): unknown {
    const request = this.cls.isActive() ? this.cls.get<(Request & { user?: Principal }) | undefined>(CLS_REQ) : undefined;
    if (!request) throw new Error('@TenantRequests(): no request in the async context; the request-context middleware must cover every route');
    const running = this.runRequest(request, handler, async () => {
      const result = await handler.apply(controller, args);
      return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    });
    return running ?? handler.apply(controller, args);
  }

  /** The request's handler (`handle`) in its tenant transaction; undefined when no tenant principal made the request. */
  private runRequest(request: Request & { user?: Principal }, handler: object, handle: () => Promise<unknown>): Promise<unknown> | undefined {
    const principal = request.user;
    if (principal?.kind !== 'tenant') return undefined;

    const hostSlug = slugFromHost(request.headers.host, this.config.get('BASE_DOMAIN'));
    const scope: TenantScope = { tenantId: principal.tenantId, userId: principal.actorType === 'user' ? principal.subjectId : undefined };
    const isInService = this.reflector.get<string | undefined>(TRANSACTIONS_IN_SERVICE, handler as never) !== undefined;

    const version = requestAccessVersion(request);
    const accessKey = TenantAccessCache.keyOf(principal);
    const passedSlug = version === undefined ? undefined : this.accessCache.passedSlug(accessKey, version);
    if (passedSlug !== undefined) {
      assertHostMatches(hostSlug, passedSlug);
      return isInService ? this.tenantTransaction.withRequestScope(scope, handle) : this.tenantTransaction.run(scope, handle);
    }

    const check = async () => {
      const checkedAt = Date.now();
      const tenant =
        principal.actorType === 'user'
          ? await this.directory.currentWithUser(principal.subjectId, principal.sessionId)
          : await this.directory.current().then((current) => current && { ...current, userRole: principal.role, sessionRevokedAt: null });
      if (!tenant?.id) throw new UnauthorizedException('Unknown tenant');
      // A removed user, or one whose role changed since the token was issued, signs in again.
      if (tenant.userRole !== principal.role) {
        throw new UnauthorizedException('These credentials are no longer valid; sign in again');
      }
      if (tenant.sessionRevokedAt) throw new UnauthorizedException('This session has been signed out; sign in again');
      if (tenant.status === 'suspended') throw new ForbiddenException('Tenant is suspended');
      if (tenant.status === 'deleted') throw new ForbiddenException('Tenant has been deleted');
      // Read under `version` (the EVALSHA came first), so it holds until the version changes.
      if (version !== undefined) this.accessCache.remember(accessKey, version, tenant.slug, checkedAt);
      assertHostMatches(hostSlug, tenant.slug);
    };
    if (isInService) {
      return (async () => {
        await this.tenantTransaction.run(scope, check);
        return this.tenantTransaction.withRequestScope(scope, handle);
      })();
    }
    return this.tenantTransaction.run(scope, async () => {
      await check();
      return handle();
    });
  }
}

function assertHostMatches(hostSlug: string | undefined, tenantSlug: string): void {
  if (hostSlug !== undefined && hostSlug !== tenantSlug) {
    throw new ForbiddenException('The host names a different tenant than the credentials');
  }
}

/** The property of a @TenantRequests() controller that holds the TenantRequestInterceptor (property injection). */
const RUNNER = '__tenantRequests';
/** Marks a route handler that @TenantRequests() wrapped (TenantRequestInterceptor.runHandler). */
export const TENANT_REQUEST_WRAPPED = 'tenancy:wrapped';

/**
 * On every controller with a route that is not @Public(): its tenant requests run in one tenant
 * transaction (TenantRequestInterceptor). A route with interceptors of its own (@Audit's) gets it
 * as its first interceptor, so that they run inside the transaction (an audit row commits with
 * the change or not at all); every other route's handler is wrapped to run in it directly, without
 * Nest's interceptor pipeline (rxjs and a bound async resource per layer), its metadata kept. On a
 * wrapped route Nest's pipes (validation) run before the wrapper, so there a request that fails
 * validation answers 400 before the tenant and user check; the guards (authentication, roles,
 * the rate limit) still come first, and nothing is read or written before the check.
 * Nothing global, so the public routes (the probes, sign-in), which never carry a principal, skip
 * it altogether; test/e2e/tenant-request-binding checks that every route that is not public has it.
 */
export const TenantRequests = (): ClassDecorator => (target) => {
  const prototype = target.prototype as Record<string, unknown>;
  Inject(TenantRequestInterceptor)(prototype, RUNNER);
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    const handler = descriptor.value as ((...args: unknown[]) => unknown) | undefined;
    if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
    const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
    if (own.length > 0) {
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [TenantRequestInterceptor, ...own], handler);
      continue;
    }
    const wrapped = function (this: Record<string, TenantRequestInterceptor>, ...args: unknown[]) {
      return this[RUNNER]!.runHandler(handler, this, args);
    };
    for (const key of Reflect.getMetadataKeys(handler)) Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), wrapped);
    Reflect.defineMetadata(TENANT_REQUEST_WRAPPED, true, wrapped);
    Object.defineProperty(wrapped, 'name', { value: handler.name });
    Object.defineProperty(prototype, name, { ...descriptor, value: wrapped });
  }
};
