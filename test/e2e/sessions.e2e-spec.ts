import { createSystemAdmin, createTenantWithUsers, login, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

describe('refresh-token rotation, reuse detection and logout', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  const refresh = (refreshToken: string) => t.http().post('/v1/auth/refresh').send({ refreshToken });

  it('rotates: each refresh token works once and yields a new working pair', async () => {
    const first = await login(t, acme, acme.member);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'Bearer', expiresIn: 900 });
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await t.as(`Bearer ${second.body.accessToken}`).get('/v1/me')).status).toBe(200);
    expect((await refresh(second.body.refreshToken)).status).toBe(200);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const first = await login(t, acme, acme.member);
    const second = (await refresh(first.refreshToken)).body;
    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.message).toMatch(/already used/);
    // The legitimate holder's newer token died with the family.
    expect((await refresh(second.refreshToken)).status).toBe(401);
    // Another login (another family) is untouched.
    const other = await login(t, acme, acme.member);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('logs out by revoking the family (204), idempotently', async () => {
    const session = await login(t, acme, acme.viewer);
    const logout = await t.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken });
    expect(logout.status).toBe(204);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await t.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken })).status).toBe(204);
    expect((await t.http().post('/v1/auth/logout').send({ refreshToken: 'garbage' })).status).toBe(204);
  });

  it('stores only hashes of refresh tokens', async () => {
    const session = await login(t, acme, acme.admin);
    const secret = session.refreshToken.split('.')[1]!;
    const rows = await t.owner`select token_hash from refresh_tokens where tenant_id = ${acme.id}`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => String(row.token_hash).includes(secret) || row.token_hash === session.refreshToken)).toBe(false);
  });

  it('refuses a refresh once the tenant is suspended, and malformed tokens', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = await login(t, tenant, tenant.owner);
    await t.owner`update tenants set status = 'suspended' where id = ${tenant.id}`;
    expect((await refresh(session.refreshToken)).status).toBe(403);
    expect((await refresh('rt_not-a-token')).status).toBe(401);
    expect((await t.http().post('/v1/auth/refresh').send({})).status).toBe(400);
  });

  it('keeps tenant and system-admin refresh tokens apart, both ways', async () => {
    const admin = await createSystemAdmin(t);
    const adminSession = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: TEST_PASSWORD });
    expect(adminSession.status).toBe(200);
    expect(adminSession.body.refreshToken).toMatch(/^art_/);
    const tenantSession = await login(t, acme, acme.owner);

    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: adminSession.body.refreshToken })).status).toBe(401);
    expect((await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: tenantSession.refreshToken })).status).toBe(401);

    const rotated = await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: adminSession.body.refreshToken });
    expect(rotated.status).toBe(200);
    const claims = JSON.parse(Buffer.from(rotated.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: admin.id, role: 'system_admin' });
    const reuse = await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: adminSession.body.refreshToken });
    expect(reuse.status).toBe(401);
    expect((await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: rotated.body.refreshToken })).status).toBe(401);

    const again = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: TEST_PASSWORD });
    expect((await t.http().post('/v1/admin/auth/logout').send({ refreshToken: again.body.refreshToken })).status).toBe(204);
    expect((await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: again.body.refreshToken })).status).toBe(401);
  });
});
