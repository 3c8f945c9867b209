import { createSystemAdmin, createTenant, createTenantWithUsers, createUser, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

describe('login, /v1/me and tenant resolution', () => {
  const t = useTestApp({ BASE_DOMAIN: 'tenantry.test' });
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  const login = (body: object, host?: string) => {
    const call = t.http().post('/v1/auth/login');
    return (host ? call.set('host', host) : call).send(body);
  };

  it('logs a user in with the tenant slug in the body and returns a bearer token with the contract claims', async () => {
    const response = await login({ tenant: acme.slug, email: acme.member.email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'Bearer', expiresIn: 900 });
    const claims = JSON.parse(Buffer.from(response.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: acme.member.id, tid: acme.id, role: 'member', typ: 'access', iss: 'tenantry', aud: 'tenantry-api' });
    expect(claims.exp - claims.iat).toBe(900);
    const header = JSON.parse(Buffer.from(response.body.accessToken.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('HS256');

    const me = await t.as(`Bearer ${response.body.accessToken}`).get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: { id: acme.member.id, email: acme.member.email, role: 'member' },
      tenant: { id: acme.id, slug: acme.slug, name: 'Test tenant', plan: 'enterprise', status: 'active' },
    });
  });

  it('takes the tenant from the host when the body names none', async () => {
    const response = await login({ email: acme.owner.email, password: TEST_PASSWORD }, `${acme.slug}.tenantry.test`);
    expect(response.status).toBe(200);
    expect((await login({ email: acme.owner.email, password: TEST_PASSWORD })).status).toBe(400);
  });

  it('answers an unknown tenant, an unknown email and a wrong password with the same 401', async () => {
    const answers = await Promise.all([
      login({ tenant: 'no-such-tenant', email: acme.owner.email, password: TEST_PASSWORD }),
      login({ tenant: acme.slug, email: 'nobody@example.com', password: TEST_PASSWORD }),
      login({ tenant: acme.slug, email: acme.owner.email, password: 'wrong-password-123' }),
    ]);
    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid credentials' },
      });
    }
  });

  it('validates the login body', async () => {
    const response = await login({ tenant: acme.slug, email: 'not-an-email', password: '' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(/email/);
    expect(JSON.stringify(response.body.message)).toMatch(/password/);
  });

  it('refuses a token on a host that names another tenant', async () => {
    const other = await createTenant(t);
    const mismatch = await t.as(acme.viewer).get('/v1/me').set('host', `${other.slug}.tenantry.test`);
    expect(mismatch.status).toBe(403);
    const match = await t.as(acme.viewer).get('/v1/me').set('host', `${acme.slug}.tenantry.test`);
    expect(match.status).toBe(200);
  });

  it('refuses a suspended or deleted tenant on its very next request', async () => {
    const tenant = await createTenant(t);
    const user = await createUser(t, tenant, 'owner');
    const operator = await createSystemAdmin(t);
    expect((await t.as(user).get('/v1/projects')).status).toBe(200);

    // Through the admin routes, which bump the tenant's access version (a check this process saw
    // pass is then read again); test/e2e/tenant-access-cache has the same across two processes.
    expect((await t.as(operator).post(`/v1/admin/tenants/${tenant.id}/suspend`)).status).toBe(200);
    const suspended = await t.as(user).get('/v1/projects');
    expect(suspended.status).toBe(403);
    expect(suspended.body.message).toMatch(/suspended/);
    const loginSuspended = await login({ tenant: tenant.slug, email: user.email, password: TEST_PASSWORD });
    expect(loginSuspended.status).toBe(403);

    expect((await t.as(operator).post(`/v1/admin/tenants/${tenant.id}/resume`)).status).toBe(200);
    expect((await t.as(user).get('/v1/projects')).status).toBe(200);

    expect((await t.as(operator).delete(`/v1/admin/tenants/${tenant.id}`)).status).toBe(202);
    const deleted = await t.as(user).get('/v1/projects');
    expect(deleted.status).toBe(403);
    expect(deleted.body.message).toMatch(/deleted/);
  });

  it('keeps tenant tokens off admin routes and system tokens off tenant routes', async () => {
    const admin = await createSystemAdmin(t);
    expect((await t.as(acme.owner).get(`/v1/admin/tenants/${acme.id}`)).status).toBe(403);
    expect((await t.as(admin).get('/v1/projects')).status).toBe(403);
    expect((await t.as(admin).get(`/v1/admin/tenants/${acme.id}`)).status).toBe(200);
  });

  it('rejects missing, malformed and expired tokens with 401', async () => {
    expect((await t.http().get('/v1/me')).status).toBe(401);
    expect((await t.as('Bearer not.a.jwt').get('/v1/me')).status).toBe(401);
    const { TokenService } = await import('@tenantry/auth');
    const expired = await t.app.get(TokenService).issueTenantAccess({ id: acme.owner.id, tenantId: acme.id, role: 'owner' }, 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await t.as(`Bearer ${expired.accessToken}`).get('/v1/me')).status).toBe(401);
  });
});
