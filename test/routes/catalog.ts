import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IMPERSONATION_REFUSED, IS_PUBLIC, MIN_ROLE, SCIM_ROUTE, SYSTEM_ADMIN_ROUTE } from '@tenantry/auth';
import type { TenantRole } from '@tenantry/db';
import { REQUIRED_FEATURE } from '@tenantry/plans';
import { TENANT_REQUEST_WRAPPED } from '@tenantry/tenancy';
import type { TestApp } from '../support/test-app';

/** `scim`: the tenant's directory, with a SCIM token (tests of its own in test/e2e/scim.e2e-spec.ts). */
export type Access = 'public' | 'system_admin' | 'tenant' | 'scim';

/** One route as the Nest router serves it, with what its decorators declare. */
export interface CatalogRoute {
  /** "METHOD /path/{param}", as in the OpenAPI document and in ROUTE_FIXTURES. */
  key: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  template: string;
  pathParams: string[];
  access: Access;
  /** For tenant routes: the least role @Roles sets (viewer when none). */
  least: TenantRole;
  requiredFeature?: string;
  refusesImpersonation: boolean;
  /** @RefuseImpersonation without a condition on the body: every impersonated call is 403. */
  impersonationRefusedAlways: boolean;
  hasBody: boolean;
  /** The interceptors bound to it, in the order they run (its controller's, then its own). */
  interceptors: unknown[];
  /** @TenantRequests() wrapped its handler to run in the tenant transaction (no interceptors then). */
  isTenantWrapped: boolean;
}

/** Every route of the app, read from the router and the decorators' metadata (the guards read the same). */
export function routeCatalog(t: TestApp): CatalogRoute[] {
  const reflector = t.app.get(Reflector);
  const scanner = t.app.get(MetadataScanner);
  const routes: CatalogRoute[] = [];
  for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
    if (!wrapper.metatype || !wrapper.instance) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance as object) as Record<string, () => unknown>;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name]!;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const template = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter((part) => part && part !== '/').join('/')}`.replace(
        /:([A-Za-z]+)/g,
        '{$1}',
      );
      const targets = [handler, wrapper.metatype];
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, wrapper.metatype, name) ?? {}) as Record<string, unknown>;
      routes.push({
        key: `${RequestMethod[method]} ${template}`,
        method: RequestMethod[method].toLowerCase() as CatalogRoute['method'],
        template,
        pathParams: [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]!),
        access: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
          ? 'public'
          : reflector.getAllAndOverride<boolean>(SYSTEM_ADMIN_ROUTE, targets)
            ? 'system_admin'
            : reflector.getAllAndOverride<boolean>(SCIM_ROUTE, targets)
              ? 'scim'
              : 'tenant',
        least: reflector.getAllAndOverride<TenantRole | undefined>(MIN_ROLE, targets) ?? 'viewer',
        requiredFeature: reflector.getAllAndOverride<string | undefined>(REQUIRED_FEATURE, targets),
        refusesImpersonation: reflector.get(IMPERSONATION_REFUSED, handler) !== undefined,
        impersonationRefusedAlways: (reflector.get<{ when?: unknown } | undefined>(IMPERSONATION_REFUSED, handler) ?? { when: true }).when === undefined,
        hasBody: Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`)),
        interceptors: [
          ...((Reflect.getMetadata(INTERCEPTORS_METADATA, wrapper.metatype) ?? []) as unknown[]),
          ...((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[]),
        ],
        isTenantWrapped: Reflect.getMetadata(TENANT_REQUEST_WRAPPED, handler) === true,
      });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** The template with its parameters filled in (each value percent-encoded unless `raw`). */
export function fillPath(template: string, params: Record<string, string>, raw = false): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template}: no value for {${name}}`);
    return raw ? value : encodeURIComponent(value);
  });
}

/** Requests per family and operations covered, printed once at the end of each generated suite. */
export class Census {
  private readonly operations = new Set<string>();
  private requests = 0;
  private readonly statuses = new Map<number, number>();

  constructor(private readonly family: string) {}

  count(operation: string, status: number): void {
    this.operations.add(operation);
    this.requests += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  get requestCount(): number {
    return this.requests;
  }

  get operationCount(): number {
    return this.operations.size;
  }

  print(extra = ''): void {
    const statuses = [...this.statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}:${count}`).join(' ');
    process.stdout.write(`\n[census] ${this.family}: ${this.operations.size} operations, ${this.requests} requests (${statuses})${extra ? `; ${extra}` : ''}\n`);
  }
}
