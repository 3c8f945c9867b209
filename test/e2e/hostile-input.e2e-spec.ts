import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

/** What every refusal must look like, whichever layer refuses: the shared shape and headers. */
const expectContract = (response: { status: number; body: unknown; headers: Record<string, unknown> }, status: number) => {
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: { statusCode: status, error: expect.any(String), message: expect.anything() },
  });
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toEqual(expect.any(String));
};

const nested = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

describe('hostile input: every refusal is a 4xx of the shared shape', () => {
  const t = useTestApp({ BODY_LIMIT: '10kb' });
  let tenant: TestTenantWithUsers;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    tenant = await createTenantWithUsers(t);
    admin = await createSystemAdmin(t);
  });

  const baseUrl = async () => {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };

  const json = (method: 'post' | 'patch', path: string, raw: string, auth?: string) => {
    const call = t.http()[method](path).set('content-type', 'application/json');
    return (auth ? call.set('authorization', auth) : call).send(raw);
  };

  it('refuses a body nested deeper than 32 levels with 400 before validation, on public and tenant routes', async () => {
    for (const [path, auth] of [
      ['/v1/auth/login', undefined],
      ['/v1/auth/refresh', undefined],
      ['/v1/auth/logout', undefined],
      ['/v1/admin/auth/login', undefined],
      ['/v1/projects', tenant.member.auth],
    ] as const) {
      const response = await json('post', path, `{"email":${nested(3000)},"password":"x"}`, auth);
      expectContract(response, 400);
      expect(response.body.message).toMatch(/nested deeper than 32/);
    }
    // 32 levels are still input, answered by validation like any other wrong type.
    const shallow = await json('post', '/v1/auth/login', `{"email":${nested(31)},"password":"x"}`);
    expectContract(shallow, 400);
    expect(shallow.body.message).not.toEqual(expect.stringMatching(/nested/));
  });

  it('refuses lone surrogates and NUL in any string with 400, and writes nothing', async () => {
    const cases: [string, string, string | undefined][] = [
      ['/v1/auth/login', '{"tenant":"x","email":"a\\ud800@x.test","password":"x"}', undefined],
      ['/v1/admin/auth/login', '{"email":"a\\udfff@x.test","password":"x"}', undefined],
      ['/v1/users', '{"email":"a\\ud800@x.test","role":"member"}', tenant.admin.auth],
      ['/v1/projects', '{"name":"nul \\u0000 inside"}', tenant.member.auth],
      ['/v1/projects', '{"name":"ok","description":"\\ud83d"}', tenant.member.auth],
      ['/v1/projects', '{"name\\u0000":"key with NUL"}', tenant.member.auth],
      [`/v1/admin/tenants/${tenant.id}/impersonate`, '{"reason":"nul \\u0000 reason"}', admin.auth],
    ];
    const [{ count: before }] = await t.owner`select count(*)::int as count from audit_logs where tenant_id = ${tenant.id}`;
    for (const [path, raw, auth] of cases) {
      const response = await json('post', path, raw, auth);
      expectContract(response, 400);
      expect(response.body.message).toMatch(/NUL|surrogate/);
    }
    const [{ count: after }] = await t.owner`select count(*)::int as count from audit_logs where tenant_id = ${tenant.id}`;
    expect(after).toBe(before);
    const projects = await t.owner`select name from projects where tenant_id = ${tenant.id}`;
    expect(projects).toEqual([]);
    // A well-formed pair (an emoji) and ordinary controls in text are fine.
    const emoji = await json('post', '/v1/projects', '{"name":"rocket \\ud83d\\ude80","description":"line\\nbreak\\ttab"}', tenant.member.auth);
    expect(emoji.status).toBe(201);
    expect(emoji.body.name).toBe('rocket \u{1F680}');
    // NUL in a query string is refused the same way.
    const query = await t.as(tenant.admin).get('/v1/audit-logs?action=a%00b');
    expectContract(query, 400);
  });

  it('refuses __proto__, constructor and prototype keys at any depth instead of dropping them', async () => {
    for (const raw of [
      '{"name":"p","__proto__":{"isAdmin":true}}',
      '{"name":"p","constructor":{"prototype":{"x":1}}}',
      '{"name":"p","description":"d","nested":{"a":{"__proto__":1}}}',
    ]) {
      const response = await json('post', '/v1/projects', raw, tenant.member.auth);
      expectContract(response, 400);
      expect(response.body.message).toMatch(/__proto__|constructor|prototype/);
    }
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const raw of ['[]', '[{"name":"p"}]']) {
      const response = await json('post', '/v1/projects', raw, tenant.member.auth);
      expectContract(response, 400);
    }
  });

  it('takes JSON only: form, text and multipart bodies answer 415 on every body route', async () => {
    for (const [type, raw] of [
      ['application/x-www-form-urlencoded', 'name=form'],
      ['text/plain', '{"name":"text"}'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nm\r\n--x--\r\n'],
      ['application/xml', '<name>x</name>'],
    ]) {
      const response = await t.as(tenant.member).post('/v1/projects').set('content-type', type).send(raw);
      expectContract(response, 415);
      const login = await t.http().post('/v1/auth/login').set('content-type', type).send(raw);
      expectContract(login, 415);
    }
    expect(await t.owner`select 1 from projects where tenant_id = ${tenant.id} and name in ('form', 'text', 'm')`).toEqual([]);
    // A body route called with no body at all still reaches validation.
    const empty = await t.as(tenant.member).post('/v1/projects');
    expectContract(empty, 400);
  });

  it('parses bodies in the request edge alone: Nest adds no JSON or form parser of its own behind it', () => {
    const layers = (t.app.getHttpAdapter().getInstance() as { router: { stack: { name: string }[] } }).router.stack.map((layer) => layer.name);
    expect(layers).toContain('requestEdgeLayer');
    expect(layers).not.toContain('jsonParser');
    expect(layers).not.toContain('urlencodedParser');
  });

  it("answers body-parser's refusals in the shared shape with the request id and security headers", async () => {
    const member = tenant.member.auth;
    const post = () => t.as(member).post('/v1/projects');
    expectContract(await post().set('content-type', 'application/json').send('{"name": '), 400);
    expectContract(await post().set('content-type', 'application/json').set('content-encoding', 'gzip').send('not gzip at all'), 400);
    expectContract(await post().set('content-type', 'application/json').set('content-encoding', 'compress').send('{}'), 415);
    expectContract(await post().set('content-type', 'application/json; charset=klingon').send('{}'), 415);
    expectContract(await post().set('content-type', 'application/json').send(JSON.stringify({ name: 'x', description: 'y'.repeat(20000) })), 413);
    // A well-formed gzip body is still fine (sent with fetch: superagent re-encodes a Buffer body).
    const gzipped = await fetch(`${await baseUrl()}/v1/projects`, {
      method: 'POST',
      headers: { authorization: member, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ name: 'zipped' })),
    });
    expect({ status: gzipped.status, name: ((await gzipped.json()) as { name: string }).name }).toEqual({ status: 201, name: 'zipped' });
  });

  it('gives guard-level 401s the error field', async () => {
    for (const auth of [undefined, 'Bearer not-a-jwt', 'Basic abc', 'Bearer sk_nope']) {
      const call = t.http().get('/v1/projects');
      const response = await (auth ? call.set('authorization', auth) : call);
      expectContract(response, 401);
      expect(response.body.error).toBe('Unauthorized');
    }
    const admin401 = await t.http().get('/v1/admin/tenants');
    expectContract(admin401, 401);
  });

  it('serves /docs-json with a request id and the security headers', async () => {
    const response = await t.http().get('/docs-json');
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 431 for an oversized header block in the shared shape with headers', async () => {
    const port = Number(new URL(await baseUrl()).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\nx-request-id: \S+/i);
    expect(head).toMatch(/\r\nx-content-type-options: nosniff/i);
    expect(head).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(body!)).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', message: expect.any(String) });
  });

  it('marks token answers Cache-Control: no-store', async () => {
    const login = await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.owner.email, password: 'correct-horse-battery-staple' });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const refresh = await t.http().post('/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refresh.status).toBe(200);
    expect(refresh.headers['cache-control']).toBe('no-store');
    const adminLogin = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: 'correct-horse-battery-staple' });
    expect(adminLogin.headers['cache-control']).toBe('no-store');
    const adminRefresh = await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: adminLogin.body.refreshToken });
    expect(adminRefresh.headers['cache-control']).toBe('no-store');
    const impersonation = await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/impersonate`).send({ reason: 'support case' });
    expect(impersonation.status).toBe(200);
    expect(impersonation.headers['cache-control']).toBe('no-store');
    const key = await t.as(tenant.admin).post('/v1/api-keys').send({ name: 'k', role: 'member' });
    expect(key.headers['cache-control']).toBe('no-store');
  });
});
