import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Census, CatalogRoute, fillPath, routeCatalog } from '../routes/catalog';
import { databaseFingerprint } from '../routes/fingerprint';
import { createWorld, PLACEHOLDER_ID, World } from '../routes/world';
import { useTestApp } from '../support/test-app';

/** Fixed so a failure reproduces: FUZZ_SEED=<the printed seed> npx jest test/e2e/input-fuzz.e2e-spec.ts */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
/** Generated requests per operation; CI keeps the whole family within minutes on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
};
type Parameter = { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema?: Schema; example?: unknown };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** Strings that have broken parsers, validators, drivers and databases before. */
const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u202eevil\u202c',
  '\u200f\u200e',
  '\ufeff',
  '\u{1F680}',
  'e\u0301',
  "' or 1=1 --",
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '__proto__',
  'constructor',
  ' ',
  '',
  'x'.repeat(5_000),
  'y'.repeat(200_000),
  '1e309',
  '-0',
  'NaN',
  '2026-02-30T25:61:00Z',
  'null',
  'true',
];

const nestedJson = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

/** Any JSON value a hostile client might put where a field goes. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e21, 0.5, -1e-7),
  fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }), { maxKeys: 4 }),
  fc.integer({ min: 20, max: 60 }).map((depth) => JSON.parse(nestedJson(depth)) as unknown),
);

const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenantId', 'role', 'isAdmin', 'id', '\u0000', '\ud800'), fc.string({ unit: 'binary', maxLength: 12 }));

/** Percent-encodes a value for a URL, lone surrogates included (as their replacement bytes would not be). */
const percentEncode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf16le')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
};

/** Raw segments for a query value or a path parameter: bytes that are not UTF-8, stray %, traversal. */
const hostileRawSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%FF%FE', '..', '%2e%2e%2f', '%2F', 'a%0Ab', 'x'.repeat(3_000)),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
  fc.oneof(fc.constantFrom(...NASTY_STRINGS.filter((value) => value.length < 1000)), fc.string({ unit: 'binary', maxLength: 20 })).map(percentEncode),
);

/**
 * Property-based tests over every operation of the OpenAPI document: its body (from the schema
 * and its examples, then broken one field at a time: wrong types, nulls, huge and unicode strings
 * with lone surrogates, NUL and RTL marks, deep nesting, prototype and extra keys, missing
 * fields, non-objects), its query and its path parameters, and the transport (media types,
 * charsets, encodings, malformed JSON). Every answer is below 500, every 4xx has the shared
 * shape and headers, and a refused write leaves the database as it was.
 */
describe('input fuzzing, generated from the OpenAPI document', () => {
  // Hundreds of failed logins from one address must meet validation, not the login throttle.
  const t = useTestApp({ LOGIN_MAX_FAILURES_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000' });
  let world: World;
  let document: Document;
  let catalog: Map<string, CatalogRoute>;
  const census = new Census('input');
  let operations = 0;

  beforeAll(async () => {
    world = await createWorld(t);
    document = (await t.http().get('/docs-json')).body as Document;
    catalog = new Map(routeCatalog(t).map((route) => [route.key, route]));
    process.stdout.write(`\n[fuzz] seed ${SEED}, ${RUNS} runs per operation (FUZZ_SEED / FUZZ_RUNS to change)\n`);
  });
  afterAll(async () => {
    census.print(`${operations} operations fuzzed, seed ${SEED}`);
  });

  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };

  /** A body the schema describes, from its examples: the starting point every mutation breaks. */
  const exampleOf = (schema: Schema | undefined, depth = 0): unknown => {
    const resolved = resolve(schema);
    if (!resolved || depth > 5) return undefined;
    if (resolved.example !== undefined) return resolved.example;
    if (resolved.properties) {
      return Object.fromEntries(
        Object.entries(resolved.properties)
          .map(([name, property]) => [name, exampleOf(property, depth + 1)] as const)
          .filter(([, value]) => value !== undefined),
      );
    }
    if (resolved.enum) return resolved.enum[0];
    if (resolved.default !== undefined) return resolved.default;
    return resolved.type === 'array' ? [] : resolved.type === 'string' ? 'x' : resolved.type === 'integer' || resolved.type === 'number' ? 1 : undefined;
  };

  /** The example with one thing broken (or, now and then, as it is). */
  const bodyArbitrary = (schema: Schema): fc.Arbitrary<string> => {
    const example = (exampleOf(schema) ?? {}) as Record<string, unknown>;
    const fields = Object.keys(resolve(schema)?.properties ?? {});
    const field = fields.length > 0 ? fc.constantFrom(...fields) : hostileKey;
    return fc.oneof(
      fc.constant(JSON.stringify(example)),
      fc.tuple(field, hostileValue).map(([name, value]) => JSON.stringify({ ...example, [name]: value })),
      fc.tuple(hostileKey, hostileValue).map(([name, value]) => `{${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'},${JSON.stringify(example).slice(1)}`.replace(/,}$/, '}')),
      field.map((name) => JSON.stringify(Object.fromEntries(Object.entries(example).filter(([key]) => key !== name)))),
      fc.tuple(field, fc.integer({ min: 30, max: 3_000 })).map(([name, depth]) => `{${JSON.stringify(name)}:${nestedJson(depth)}}`),
      fc.constantFrom('[]', '"body"', '42', 'null', '{}', `[${JSON.stringify(example)}]`),
    );
  };

  /** Query strings: each parameter left out, its example, or a hostile (possibly repeated) value. */
  const queryArbitrary = (parameters: Parameter[]): fc.Arbitrary<string> =>
    fc
      .tuple(
        ...parameters.map((parameter) =>
          fc.oneof(
            fc.constant(undefined),
            fc.constant(parameter.example ?? parameter.schema?.example ?? parameter.schema?.default).map((value) =>
              value === undefined ? undefined : [percentEncode(String(value))],
            ),
            hostileRawSegment.map((value) => [value]),
            fc.array(hostileRawSegment, { minLength: 2, maxLength: 3 }),
          ),
        ),
        fc.option(fc.tuple(hostileKey.map(percentEncode), hostileRawSegment), { nil: undefined }),
      )
      .map(([...values]) => {
        const extra = values.pop() as [string, string] | undefined;
        const pairs = parameters.flatMap((parameter, index) => ((values[index] as string[] | undefined) ?? []).map((value) => `${parameter.name}=${value}`));
        if (extra) pairs.push(`${extra[0]}=${extra[1]}`);
        return pairs.length > 0 ? `?${pairs.join('&')}` : '';
      });

  const pathArbitrary = (route: CatalogRoute): fc.Arbitrary<string> =>
    fc
      .tuple(...route.pathParams.map(() => fc.oneof(fc.constant(PLACEHOLDER_ID), hostileRawSegment)))
      .map((values) => fillPath(route.template, Object.fromEntries(route.pathParams.map((name, index) => [name, values[index]!])), true));

  const authorizationOf = (route: CatalogRoute) =>
    route.access === 'tenant' ? world.a.owner.auth : route.access === 'system_admin' ? world.admin.auth : route.access === 'scim' ? world.scim : undefined;

  /** Sends one request and checks the contract; returns a problem, or undefined. */
  async function probe(
    route: CatalogRoute,
    url: string,
    send: { raw?: string | Buffer; headers?: Record<string, string>; expected?: number },
  ): Promise<string | undefined> {
    const isWrite = route.method !== 'get';
    const before = isWrite ? await databaseFingerprint(t.owner) : undefined;
    const request = t.http()[route.method](url);
    const authorization = authorizationOf(route);
    if (authorization) request.set('authorization', authorization);
    for (const [name, value] of Object.entries(send.headers ?? {})) request.set(name, value);
    const response = await (send.raw !== undefined ? request.send(send.raw) : request);
    census.count(route.key, response.status);
    const describe = () => `${route.key}: ${route.method.toUpperCase()} ${url.slice(0, 300)} ${JSON.stringify(send.headers ?? {})} body ${String(send.raw ?? '').slice(0, 300)}`;
    if (response.status >= 500) return `${describe()} -> ${response.status} ${response.text?.slice(0, 300)}`;
    if (send.expected !== undefined && response.status !== send.expected) return `${describe()} -> ${response.status}, not ${send.expected}`;
    if (response.status >= 400) {
      const body = response.body as { statusCode?: unknown; error?: unknown; message?: unknown; schemas?: unknown; status?: unknown; detail?: unknown };
      // SCIM answers its errors as RFC 7644 §3.12 has them.
      const isScimError = route.access === 'scim' && Array.isArray(body?.schemas) && body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error') && body.status === String(response.status) && typeof body.detail === 'string';
      const isShared =
        isScimError ||
        body?.statusCode === response.status &&
        typeof body.error === 'string' &&
        (typeof body.message === 'string' || (Array.isArray(body.message) && body.message.every((entry) => typeof entry === 'string')));
      if (!isShared) return `${describe()} -> ${response.status} not in the shared shape: ${response.text?.slice(0, 300)}`;
      if (!response.headers['x-request-id'] || response.headers['x-content-type-options'] !== 'nosniff') return `${describe()} -> ${response.status} without X-Request-Id or security headers`;
      if (before) {
        const after = await databaseFingerprint(t.owner);
        // scim_tokens.last_used_at is the authentication's bookkeeping (at most once a minute), not the refused write.
        const changed = Object.keys(after).filter((table) => after[table] !== before[table] && table !== 'scim_tokens');
        if (changed.length > 0) return `${describe()} -> ${response.status}, yet ${changed.join(', ')} changed`;
      }
    }
    return undefined;
  }

  const fuzzable = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
    );

  it('covers every operation of the document with a route of the router', () => {
    const unknown = fuzzable().filter(({ key }) => !catalog.has(key)).map(({ key }) => key);
    expect(unknown).toEqual([]);
    expect(fuzzable().length).toBeGreaterThan(40);
  });

  it('answers every generated body, query and path with a 4xx of the shared shape or a success, never a 5xx, and refused writes change nothing', async () => {
    const problems: string[] = [];
    for (const { key, operation } of fuzzable()) {
      const route = catalog.get(key)!;
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const queryParameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      if (!bodySchema && queryParameters.length === 0 && route.pathParams.length === 0) continue;
      operations += 1;
      const requests = fc.tuple(pathArbitrary(route), queryArbitrary(queryParameters), bodySchema ? bodyArbitrary(bodySchema) : fc.constant(undefined));
      const result = await fc.check(
        fc.asyncProperty(requests, async ([path, query, body]) => {
          const problem = await probe(route, `${path}${query}`, body === undefined ? {} : { raw: body, headers: { 'content-type': 'application/json' } });
          if (problem) problems.push(problem);
          return problem === undefined;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed) problems.push(`  (${key}: reproduce with FUZZ_SEED=${result.seed}, path ${result.counterexamplePath})`);
    }
    expect(problems).toEqual([]);
  }, 600_000);

  it('refuses other media types, charsets, encodings and malformed JSON on every body operation, in the shared shape', async () => {
    const problems: string[] = [];
    for (const { key, operation } of fuzzable()) {
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      if (!bodySchema) continue;
      const route = catalog.get(key)!;
      const url = fillPath(route.template, Object.fromEntries(route.pathParams.map((name) => [name, PLACEHOLDER_ID])));
      const example = JSON.stringify(exampleOf(bodySchema) ?? {});
      const variants: { raw: string | Buffer; headers: Record<string, string>; expected: number }[] = [
        { raw: 'name=x&role=owner', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expected: 415 },
        { raw: example, headers: { 'content-type': 'text/plain' }, expected: 415 },
        { raw: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' }, expected: 415 },
        { raw: '<a/>', headers: { 'content-type': 'application/xml' }, expected: 415 },
        { raw: example, headers: { 'content-type': 'application/json; charset=ebcdic' }, expected: 415 },
        { raw: example, headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, expected: 415 },
        { raw: 'definitely not gzip', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, expected: 400 },
        { raw: gzipSync(nestedJson(5_000)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, expected: 400 },
        { raw: `${example.slice(0, -1)}`, headers: { 'content-type': 'application/json' }, expected: 400 },
        { raw: '{"a":1,"a":{"__proto__":{"polluted":true}}}', headers: { 'content-type': 'application/json' }, expected: 400 },
      ];
      for (const variant of variants) {
        const problem = await probe(route, url, variant);
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 300_000);
});
