import type Redis from 'ioredis';
import { TokenService } from '@tenantry/auth';
import { REDIS } from '@tenantry/redis';
import { tenantAccessVersionKey } from '@tenantry/tenancy';
import { createSystemAdmin, createTenant, createTenantWithUsers, createUser, login, TestTenantWithUsers, TestUser } from '../factories';
import { useTestApp } from '../support/test-app';

/**
 * The per-request tenant and user check is cached per API process under the tenant's access
 * version, which every change the check reads bumps before its answer leaves. Two apps on one
 * database and one Redis stand for two API processes behind a load balancer: B's cache is warm,
 * the change goes through A, and B's very next request is refused as it was before the cache.
 */
describe('the tenant and user check across API processes', () => {
  const a = useTestApp({ BASE_DOMAIN: 'tenantry.test' });
  const b = useTestApp({ BASE_DOMAIN: 'tenantry.test' });
  let operator: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    operator = await createSystemAdmin(a);
  });

  /** Two requests on B: the first fills its cache (if it was not already), the second is served from it. */
  const warm = async (auth: string) => {
    for (let i = 0; i < 2; i += 1) expect((await b.as(auth).get('/v1/projects')).status).toBe(200);
  };
  const bearer = (token: string) => `Bearer ${token}`;

  it('serves an unchanged check from the cache: a change made behind the product’s back is seen once the version moves', async () => {
    const tenant = await createTenantWithUsers(b);
    await warm(tenant.member.auth);
    // Straight into the database, no bump: B still trusts what it checked under this version...
    await b.owner`update users set role = 'viewer' where id = ${tenant.member.id}`;
    expect((await b.as(tenant.member).get('/v1/projects')).status).toBe(200);
    // ...until the version is gone (as after a Redis that lost its keys): a fresh one, a fresh check.
    await b.app.get<Redis>(REDIS).del(tenantAccessVersionKey(process.env.REDIS_KEY_PREFIX!, tenant.id));
    const refused = await b.as(tenant.member).get('/v1/projects');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/no longer valid/);
  });

  it('refuses a suspended tenant on B right after A suspends it, again after it resumes, and a deleted one', async () => {
    const tenant = await createTenantWithUsers(a);
    const key = await a.as(tenant.owner).post('/v1/api-keys').send({ name: 'ci', role: 'member' });
    expect(key.status).toBe(201);
    await warm(tenant.viewer.auth);
    await warm(bearer(key.body.key));

    expect((await a.as(operator).post(`/v1/admin/tenants/${tenant.id}/suspend`)).status).toBe(200);
    for (const auth of [tenant.viewer.auth, bearer(key.body.key)]) {
      const suspended = await b.as(auth).get('/v1/projects');
      expect(suspended.status).toBe(403);
      expect(suspended.body.message).toMatch(/suspended/);
    }

    expect((await a.as(operator).post(`/v1/admin/tenants/${tenant.id}/resume`)).status).toBe(200);
    await warm(tenant.viewer.auth);

    expect((await a.as(operator).delete(`/v1/admin/tenants/${tenant.id}`)).status).toBe(202);
    const deleted = await b.as(tenant.viewer).get('/v1/projects');
    expect(deleted.status).toBe(403);
    expect(deleted.body.message).toMatch(/deleted/);
  });

  it('compares the host with the tenant on every request, cached or not', async () => {
    const tenant = await createTenantWithUsers(b);
    const other = await createTenant(b);
    for (let i = 0; i < 2; i += 1) expect((await b.as(tenant.viewer).get('/v1/projects').set('host', `${tenant.slug}.tenantry.test`)).status).toBe(200);
    const mismatch = await b.as(tenant.viewer).get('/v1/projects').set('host', `${other.slug}.tenantry.test`);
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.message).toMatch(/different tenant/);
  });

  describe('a user changed through A', () => {
    let tenant: TestTenantWithUsers;
    let target: TestUser;

    beforeEach(async () => {
      tenant = await createTenantWithUsers(a);
      target = await createUser(a, tenant, 'member');
      await warm(target.auth);
      await warm(tenant.viewer.auth);
    });

    const expectRefusedOnB = async (message: RegExp) => {
      const refused = await b.as(target).get('/v1/projects');
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(message);
      // The tenant's other users go on (their check is read again, and passes).
      expect((await b.as(tenant.viewer).get('/v1/projects')).status).toBe(200);
    };

    it('a role change', async () => {
      expect((await a.as(tenant.admin).patch(`/v1/users/${target.id}`).send({ role: 'viewer' })).status).toBe(200);
      await expectRefusedOnB(/no longer valid/);
      // The new role's token works on B.
      const { accessToken } = await b.app.get(TokenService).issueTenantAccess({ id: target.id, tenantId: tenant.id, role: 'viewer' });
      expect((await b.as(bearer(accessToken)).get('/v1/projects')).status).toBe(200);
    });

    it('a deactivation, and the restore', async () => {
      expect((await a.as(tenant.admin).post(`/v1/users/${target.id}/deactivate`)).status).toBe(200);
      await expectRefusedOnB(/no longer valid/);
      expect((await a.as(tenant.admin).post(`/v1/users/${target.id}/restore`)).status).toBe(200);
      expect((await b.as(target).get('/v1/projects')).status).toBe(200);
    });

    it('a removal', async () => {
      expect((await a.as(tenant.admin).delete(`/v1/users/${target.id}`)).status).toBe(204);
      await expectRefusedOnB(/no longer valid/);
    });

    it('a deactivation by the directory (SCIM)', async () => {
      const scimToken = await a.as(tenant.admin).post('/v1/tenant/scim/tokens').send({ name: 'Directory' });
      expect(scimToken.status).toBe(201);
      const patched = await a
        .http()
        .patch(`/scim/v2/Users/${target.id}`)
        .set('authorization', bearer(scimToken.body.token))
        .set('content-type', 'application/scim+json')
        .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }));
      expect(patched.status).toBe(200);
      await expectRefusedOnB(/no longer valid/);
    });
  });

  describe('a session signed out through A', () => {
    let tenant: TestTenantWithUsers;

    beforeEach(async () => {
      tenant = await createTenantWithUsers(a);
    });

    const sessionOf = async () => {
      const session = await login(a, tenant, tenant.member);
      await warm(bearer(session.accessToken));
      return session;
    };
    const expectSignedOutOnB = async (accessToken: string) => {
      const refused = await b.as(bearer(accessToken)).get('/v1/projects');
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/signed out/);
    };

    it('by logging out', async () => {
      const session = await sessionOf();
      expect((await a.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken })).status).toBe(204);
      await expectSignedOutOnB(session.accessToken);
    });

    it('by revoking it from another session', async () => {
      const session = await sessionOf();
      const other = await login(a, tenant, tenant.member);
      const sessions = await a.as(bearer(other.accessToken)).get('/v1/me/sessions');
      const target = (sessions.body.data as { id: string; current: boolean }[]).find((row) => !row.current)!;
      expect((await a.as(bearer(other.accessToken)).delete(`/v1/me/sessions/${target.id}`)).status).toBe(204);
      await expectSignedOutOnB(session.accessToken);
      expect((await b.as(bearer(other.accessToken)).get('/v1/projects')).status).toBe(200);
    });

    it('by a password change in another session (every other session ends)', async () => {
      const session = await sessionOf();
      const other = await login(a, tenant, tenant.member);
      const changed = await a
        .as(bearer(other.accessToken))
        .post('/v1/me/password')
        .send({ currentPassword: 'correct-horse-battery-staple', newPassword: 'another-horse-battery-staple-9' });
      expect(changed.status).toBe(204);
      await expectSignedOutOnB(session.accessToken);
    });
  });
});
