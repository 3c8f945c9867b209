import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { sql } from 'drizzle-orm';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { createSystemAdmin, createTenant, createTenantWithUsers } from '../factories';
import { waitFor } from '../support/metering';
import { TestApp, useTestApp } from '../support/test-app';

/** Every route the Nest router serves: "METHOD /path/{param}", and whether its handler takes a @Body(). */
function routerEntries(t: TestApp): { route: string; hasBody: boolean }[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const entries: { route: string; hasBody: boolean }[] = [];
  for (const wrapper of discovery.getControllers()) {
    const prototype = Object.getPrototypeOf(wrapper.instance as object);
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const method = Reflect.getMetadata(METHOD_METADATA, prototype[name]) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, prototype[name]) ?? '')].filter((part) => part && part !== '/').join('/')}`
        .replace(/:([A-Za-z]+)/g, '{$1}');
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, wrapper.metatype as object, name) ?? {}) as Record<string, unknown>;
      entries.push({ route: `${RequestMethod[method]} ${path}`, hasBody: Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`)) });
    }
  }
  return entries;
}

const routerRoutes = (t: TestApp): string[] => routerEntries(t).map((entry) => entry.route).sort();
const routesWithBody = (t: TestApp): string[] => routerEntries(t).filter((entry) => entry.hasBody).map((entry) => entry.route).sort();

/** Success answers that are not JSON, with their media type: the only ones without a JSON schema. */
const NON_JSON_SUCCESS: Record<string, string> = {
  'GET /metrics': 'text/plain',
  'GET /v1/projects/export.csv': 'text/csv',
  'GET /v1/admin/jobs/{jobId}/download': 'application/x-ndjson',
  'GET /v1/tenant/exports/{jobId}/download': 'application/x-ndjson',
  'GET /v1/auth/sso/saml/{connectionId}/metadata': 'application/samlmetadata+xml',
};

/** Error answers with a body of their own rather than ErrorResponse: the health report. */
const OWN_ERROR_BODIES = ['GET /health/live 503', 'GET /health/ready 503'];

type SchemaObject = { $ref?: string; type?: string; items?: SchemaObject; properties?: Record<string, SchemaObject & { example?: unknown }>; allOf?: SchemaObject[]; oneOf?: SchemaObject[] };

describe('operations: OpenAPI, hardening, request ids', () => {
  const t = useTestApp({ CORS_ORIGINS: 'https://app.example.com', BODY_LIMIT: '10kb', METRICS_TOKEN: 'metrics-token-0123456789' });

  it('documents exactly the routes the router serves, with both bearer schemes', async () => {
    const response = await t.http().get('/docs-json');
    expect(response.status).toBe(200);
    const documented = Object.entries(response.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = routerRoutes(t);
    expect(served.length).toBeGreaterThan(40);
    expect(documented).toEqual(served);
    expect(Object.keys(response.body.components.securitySchemes).sort()).toEqual(['apiKey', 'jwt', 'scim']);
    expect((await t.http().get('/docs/')).status).toBe(200);
  });

  it('documents each operation: request body schema, success and error answers of the shared shape, its auth scheme', async () => {
    const document = (await t.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>; security?: unknown[]; parameters?: { in: string }[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, { example?: unknown }> }> };
    };
    expect(Object.keys(document.components.schemas.ErrorResponse!.properties!).sort()).toEqual(['error', 'message', 'statusCode']);
    const withBody = routesWithBody(t);
    expect(withBody.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        // JSON, or the media type a protocol posts (the SAML ACS's form, SCIM's own JSON).
        const ref = Object.values(operation.requestBody?.content ?? {})[0]?.schema.$ref;
        const isScim = path.startsWith('/scim/v2/');
        if (withBody.includes(route)) {
          const schema = ref ? document.components.schemas[ref.replace('#/components/schemas/', '')] : undefined;
          if (!schema?.properties || Object.keys(schema.properties).length === 0) problems.push(`${route}: no request body schema`);
        } else if (operation.requestBody) problems.push(`${route}: a request body it does not take`);
        const statuses = Object.keys(operation.responses).map(Number);
        // A redirect (302 of a browser flow such as SSO) is the success answer of its route.
        if (!statuses.some((status) => status >= 200 && status < 400)) problems.push(`${route}: no success answer`);
        const errors = statuses.filter((status) => status >= 400);
        if (errors.length === 0) problems.push(`${route}: no error answers`);
        for (const status of errors) {
          if (OWN_ERROR_BODIES.includes(`${route} ${status}`)) continue;
          if (isScim) {
            if (operation.responses[status]!.content?.['application/scim+json']?.schema.$ref !== '#/components/schemas/ScimErrorResponse') problems.push(`${route}: ${status} is not a ScimErrorResponse`);
          } else if (operation.responses[status]!.content?.['application/json']?.schema.$ref !== '#/components/schemas/ErrorResponse') problems.push(`${route}: ${status} is not an ErrorResponse`);
        }
        const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
        if (!isPublic && !(errors.includes(401) && errors.includes(403))) problems.push(`${route}: no 401/403`);
        if (path.includes('{') && !(errors.includes(400) && errors.includes(404))) problems.push(`${route}: no 400/404 for its path parameters`);
        if (withBody.includes(route) && !errors.includes(400)) problems.push(`${route}: no 400 for its body`);
      }
    }
    expect(problems).toEqual([]);
    expect(document.paths['/v1/auth/login']!.post!.security).toEqual([]);
    expect(Object.keys(document.paths['/v1/auth/login']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '429']));
    expect(document.paths['/v1/admin/tenants']!.post!.security).toEqual([{ jwt: [] }]);
    expect(Object.keys(document.paths['/v1/admin/tenants']!.post!.responses)).toEqual(expect.arrayContaining(['201', '409']));
    expect(document.paths['/v1/projects']!.get!.security).toEqual([{ jwt: [] }, { apiKey: [] }]);
    expect(Object.keys(document.paths['/v1/projects']!.get!.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '429']));
    expect(document.components.schemas.CreateProjectDto!.properties!.name).toMatchObject({ type: 'string', maxLength: 200, example: expect.any(String) });
  });

  it('documents the body of every success answer: a JSON schema with properties, or the media type of a download', async () => {
    const document = (await t.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: SchemaObject }> }> }>>;
      components: { schemas: Record<string, SchemaObject> };
    };
    const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined => {
      if (schema?.$ref) return resolve(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
      if (schema?.type === 'array') return resolve(schema.items);
      return schema;
    };
    const problems: string[] = [];
    const routes: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        routes.push(route);
        for (const [status, answer] of Object.entries(operation.responses)) {
          if (!status.startsWith('2')) continue;
          const mediaTypes = Object.keys(answer.content ?? {});
          if (status === '204') {
            if (mediaTypes.length > 0) problems.push(`${route}: 204 with a body`);
          } else if (route in NON_JSON_SUCCESS) {
            if (mediaTypes.join() !== NON_JSON_SUCCESS[route]) problems.push(`${route}: ${status} is ${mediaTypes.join() || 'undocumented'}, not ${NON_JSON_SUCCESS[route]}`);
          } else {
            // One schema, or one of several (a login answers a token pair or an MFA challenge): each with properties.
            const schema = (path.startsWith('/scim/v2/') ? answer.content?.['application/scim+json'] : answer.content?.['application/json'])?.schema;
            const alternatives = (schema?.oneOf ?? [schema]).map(resolve);
            if (alternatives.some((one) => !one?.properties || Object.keys(one.properties).length === 0)) problems.push(`${route}: ${status} has no JSON response schema`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(NON_JSON_SUCCESS).filter((route) => !routes.includes(route))).toEqual([]);
    // What a client most needs shows an example: the secret shown once, tokens, pages' cursors.
    const schemas = document.components.schemas as Record<string, { properties: Record<string, { example?: unknown }> }>;
    expect(schemas.CreatedApiKeyResponse!.properties.key!.example).toMatch(/^sk_/);
    expect(schemas.TokenPairResponse!.properties.accessToken!.example).toEqual(expect.any(String));
    expect(schemas.ProvisionedTenantResponse!.properties).toEqual(expect.objectContaining({ tenant: expect.anything(), admin: expect.anything() }));
    expect(schemas.TenantDetailResponse!.properties).toEqual(expect.objectContaining({ effectiveConfig: expect.anything(), usage: expect.anything() }));
    for (const page of ['ProjectPage', 'TaskPage', 'UserPage', 'ApiKeyPage', 'TenantPage', 'AuditLogPage', 'AdminUsageReport']) {
      expect(Object.keys(schemas[page]!.properties)).toEqual(expect.arrayContaining(['data', 'nextCursor']));
    }
  });

  it('gives an example for every field of every request body', async () => {
    const document = (await t.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: SchemaObject }> } }>>;
      components: { schemas: Record<string, SchemaObject> };
    };
    const missing = new Set<string>();
    const visited = new Set<string>();
    const visit = (name: string): void => {
      if (visited.has(name)) return;
      visited.add(name);
      for (const [field, property] of Object.entries(document.components.schemas[name]?.properties ?? {})) {
        const ref = property.$ref ?? property.allOf?.[0]?.$ref ?? property.items?.$ref;
        if (ref) visit(ref.replace('#/components/schemas/', ''));
        else if (property.example === undefined) missing.add(`${name}.${field}`);
      }
    };
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        // JSON, or the media type a protocol posts (the SAML ACS's form, SCIM's own JSON).
        const ref = Object.values(operation.requestBody?.content ?? {})[0]?.schema.$ref;
        if (ref) visit(ref.replace('#/components/schemas/', ''));
      }
    }
    expect(visited.size).toBeGreaterThan(15);
    expect([...missing]).toEqual([]);
  });

  it('sends security headers, no X-Powered-By, and CORS only for configured origins', async () => {
    const response = await t.http().get('/health/live').set('origin', 'https://app.example.com');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await t.http().get('/health/live').set('origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body over BODY_LIMIT with 413', async () => {
    const tenant = await createTenantWithUsers(t);
    const response = await t.as(tenant.member).post('/v1/projects').send({ name: 'x', description: 'y'.repeat(20000) });
    expect(response.status).toBe(413);
  });

  it('exposes Prometheus metrics to a scraper with the token only, labelled by route template', async () => {
    const tenant = await createTenantWithUsers(t);
    await t.as(tenant.viewer).get('/v1/projects').expect(200);
    await t.as(tenant.viewer).get('/v1/projects/00000000-0000-4000-8000-000000000000').expect(404);
    expect((await t.http().get('/metrics')).status).toBe(401);
    expect((await t.as('Bearer wrong-token-wrong-token').get('/metrics')).status).toBe(401);
    const scrape = await t.as('Bearer metrics-token-0123456789').get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('process_cpu_user_seconds_total');
    expect(scrape.text).toMatch(/tenantry_http_request_duration_seconds_count\{method="GET",route="\/v1\/projects",status="200"\} \d+/);
    expect(scrape.text).toMatch(/route="\/v1\/projects\/:id",status="404"/);
    expect(scrape.text).toContain('tenantry_rate_limit_rejections_total');
    expect(scrape.text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(scrape.text).not.toContain(tenant.id);
  });

  it('exposes tenant transactions, both database pools and every queue at scrape time, without tenant ids', async () => {
    const tenant = await createTenantWithUsers(t);
    const admin = await createSystemAdmin(t);
    await t.as(tenant.member).post('/v1/projects').send({ name: 'metered' }).expect(201);
    await t.as(tenant.viewer).get('/v1/projects').expect(200);
    // A refused write rolls its transaction back.
    await t.as(tenant.member).patch('/v1/projects/00000000-0000-4000-8000-000000000000').send({ name: 'x' }).expect(404);
    // No worker runs here: the purge job of a deleted tenant waits in its queue.
    const doomed = await createTenant(t);
    await t.as(admin).delete(`/v1/admin/tenants/${doomed.id}`).expect(202);

    const scrape = await t.as('Bearer metrics-token-0123456789').get('/metrics');
    expect(scrape.status).toBe(200);
    const value = (series: string) => {
      const line = scrape.text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
      if (!line) throw new Error(`${series} is missing from the scrape`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('tenantry_tenant_transaction_duration_seconds_count{outcome="commit"}')).toBeGreaterThanOrEqual(2);
    expect(value('tenantry_tenant_transaction_duration_seconds_count{outcome="rollback"}')).toBeGreaterThanOrEqual(1);
    for (const pool of ['app', 'system']) {
      const max = value(`tenantry_db_pool_max_connections{pool="${pool}"}`);
      expect(max).toBeGreaterThan(0);
      expect(value(`tenantry_db_pool_connections_in_use{pool="${pool}"}`) + value(`tenantry_db_pool_connections_idle{pool="${pool}"}`)).toBe(max);
      expect(value(`tenantry_db_pool_waiting{pool="${pool}"}`)).toBe(0);
    }
    expect(value('tenantry_queue_counts_available')).toBe(1);
    for (const queue of ['tenant-purge', 'tenant-export', 'audit-retention']) {
      for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) {
        expect(value(`tenantry_queue_jobs{queue="${queue}",state="${state}"}`)).toBeGreaterThanOrEqual(0);
      }
    }
    expect(value('tenantry_queue_jobs{queue="tenant-purge",state="waiting"}')).toBeGreaterThanOrEqual(1);
    expect(scrape.text).not.toContain(tenant.id);
    expect(scrape.text).not.toContain(doomed.id);
  });

  it('counts a pool connection as in use while a transaction or a statement holds it', async () => {
    const tenant = await createTenantWithUsers(t);
    const scrape = () => t.as('Bearer metrics-token-0123456789').get('/metrics');
    const inUse = (text: string) => Number(/^tenantry_db_pool_connections_in_use\{pool="app"\} (\d+)$/m.exec(text)?.[1]);
    const before = inUse((await scrape()).text);
    // Each holds its connection until this test has read the metric, however slow the machine.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const slow = t.app.get(TenantTransaction).run({ tenantId: tenant.id }, async (tx) => {
      await tx.execute(sql`select 1`);
      await finished;
    });
    await waitFor('the transaction to hold a connection', async () => inUse((await scrape()).text) === before + 1);
    finish();
    await slow;
    expect(inUse((await scrape()).text)).toBe(before);
    // A statement outside any transaction holds one too, while it runs (waiting on a lock this test holds).
    const locker = await t.owner.reserve();
    await locker`select pg_advisory_lock(7300421)`;
    const statement = t.app.get<DatabaseHandle>(APP_DATABASE).client`select pg_advisory_xact_lock(7300421)`.then(() => undefined);
    try {
      await waitFor('the statement to hold a connection', async () => inUse((await scrape()).text) === before + 1);
    } finally {
      await locker`select pg_advisory_unlock(7300421)`;
      locker.release();
    }
    await statement;
    expect(inUse((await scrape()).text)).toBe(before);
  });

  it('returns a request id on every response, honouring a sane incoming one', async () => {
    const generated = await t.http().get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const honoured = await t.http().get('/health/live').set('x-request-id', 'edge-abc.123');
    expect(honoured.headers['x-request-id']).toBe('edge-abc.123');
    const refused = await t.http().get('/health/live').set('x-request-id', 'bad id with spaces');
    expect(refused.headers['x-request-id']).not.toBe('bad id with spaces');
  });
});
