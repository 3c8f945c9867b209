import { INestApplication, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IS_PUBLIC, SCIM_ROUTE, SYSTEM_ADMIN_ROUTE } from '@tenantry/auth';
import { ScimErrorResponse } from '../scim/dto/scim-resource.dto';
import { ErrorResponse } from './error-response.dto';
import pluginMetadata from './plugin-metadata';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Access = 'public' | 'system_admin' | 'tenant' | 'scim';
interface RouteFacts {
  access: Access;
  /** The success status: @HttpCode, else 201 for POST and 200 otherwise. */
  status: number;
}

const REASONS: Record<number, [error: string, description: string, message: string]> = {
  400: ['Bad Request', 'Invalid input: every failing field is named in `message`', 'limit must not be greater than 100'],
  401: ['Unauthorized', 'No credentials, or invalid, expired or revoked ones', 'Unauthorized'],
  403: ['Forbidden', 'Authenticated but not allowed: role, tenant vs system admin, suspended tenant, host mismatch, plan feature, quota', 'This action needs the admin role or higher'],
  404: ['Not Found', 'No such resource in this tenant (another tenant\'s id answers the same)', 'Not Found'],
  409: ['Conflict', 'Conflicts with the current state: a taken unique value or a forbidden transition', 'A resource with this slug already exists'],
  413: ['Payload Too Large', 'The body exceeds BODY_LIMIT', 'request entity too large'],
  415: ['Unsupported Media Type', 'The body is not application/json (or its encoding or charset is unknown)', 'Request bodies must be application/json'],
  429: ['Too Many Requests', 'Rate limit or login throttle; `Retry-After` says when to retry', 'rate_limited: retry after 2 seconds'],
  503: ['Service Unavailable', 'A dependency is down or busy; retry shortly', 'The database is busy; retry shortly'],
};

let metadataLoaded: Promise<void> | undefined;

/**
 * Loads the @nestjs/swagger plugin's generated metadata (DTO schemas, response types, JSDoc
 * descriptions and examples) once per process; must finish before the document is built.
 */
export const loadOpenApiMetadata = (): Promise<void> => (metadataLoaded ??= SwaggerModule.loadPluginMetadata(pluginMetadata));

/** Who may call each route and its success status, keyed "METHOD /path/{param}" as in the document. */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = app.get(Reflector);
  const scanner = app.get(MetadataScanner);
  const facts = new Map<string, RouteFacts>();
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    if (!wrapper.metatype || !wrapper.instance) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance as object) as Record<string, () => unknown>;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name]!;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].filter((part) => part && part !== '/').join('/')}`.replace(
        /:([A-Za-z]+)/g,
        '{$1}',
      );
      const targets = [handler, wrapper.metatype];
      const kind: Access = reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
        ? 'public'
        : reflector.getAllAndOverride<boolean>(SYSTEM_ADMIN_ROUTE, targets)
          ? 'system_admin'
          : reflector.getAllAndOverride<boolean>(SCIM_ROUTE, targets)
            ? 'scim'
          : 'tenant';
      const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200);
      facts.set(`${RequestMethod[method]} ${path}`, { access: kind, status });
    }
  }
  return facts;
}

/**
 * Completes every operation from what the guards read: its security scheme (none, `jwt` for
 * system admins, `jwt` or `apiKey` for tenants) and its error answers, of the shared
 * ErrorResponse shape unless a route declares another body. 409 and the login throttle's 429 are
 * declared on their routes.
 */
function describeAccessAndErrors(document: OpenAPIObject, routes: Map<string, RouteFacts>): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, Operation][]) {
      const facts = routes.get(`${method.toUpperCase()} ${path}`) ?? { access: 'tenant', status: 200 };
      const kind = facts.access;
      // Nest adds its default success answer only to operations that declare no answer at all.
      const hasSuccess = Object.keys(operation.responses).some((status) => status.startsWith('2'));
      if (!hasSuccess) operation.responses[String(facts.status)] = { description: facts.status === 204 ? 'Done; no content' : 'Success' };
      operation.security = kind === 'public' ? [] : kind === 'system_admin' ? [{ jwt: [] }] : kind === 'scim' ? [{ scim: [] }] : [{ jwt: [] }, { apiKey: [] }];
      const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
      const statuses = new Set(Object.keys(operation.responses).map(Number).filter((status) => status >= 400));
      if (hasInput) statuses.add(400);
      if (operation.requestBody) {
        statuses.add(413);
        statuses.add(415);
      }
      if (kind !== 'public') {
        statuses.add(401);
        statuses.add(403);
      }
      if (path.includes('{')) statuses.add(404);
      if (kind === 'tenant' || kind === 'scim') statuses.add(429);
      for (const status of statuses) {
        const [error, description, message] = REASONS[status] ?? ['Error', 'Error', 'Error'];
        const declared = operation.responses[String(status)] as { description?: string; content?: unknown } | undefined;
        // An answer that declares its own body keeps it: the health checks' 503 is their health report.
        if (declared?.content) continue;
        if (kind === 'scim') {
          operation.responses[String(status)] = {
            description: declared?.description || description,
            content: { 'application/scim+json': { schema: { $ref: getSchemaPath(ScimErrorResponse) }, example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: message } } },
          };
          continue;
        }
        operation.responses[String(status)] = {
          description: declared?.description || description,
          content: {
            'application/json': {
              schema: { $ref: getSchemaPath(ErrorResponse) },
              example: { statusCode: status, error, message },
            },
          },
        };
      }
    }
  }
}

/** The OpenAPI document of every route, with the two bearer schemes (JWT and API key). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tenantry')
    .setDescription(
      'Shared-schema multi-tenant SaaS backend on PostgreSQL row-level security. Errors are `{statusCode, error, message}`; ' +
        'lists take `limit` (1..100) and `cursor` and answer `{data, nextCursor}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'access token (tenant user or system admin)' }, 'jwt')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'tenant API key: sk_...' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'SCIM token of a tenant: scim_... (only on /scim/v2)' }, 'scim')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse, ScimErrorResponse] });
  describeAccessAndErrors(document, routeFacts(app));
  return document;
}
