import { createTenant, createTenantWithUsers, createUser, login, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

describe('users and roles', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  const create = (auth: string, body: object) => t.as(auth).post('/v1/users').send(body);

  it('lets an admin create members and lists them, never with a hash', async () => {
    const created = await create(acme.admin.auth, { email: 'New.Member@Example.com', role: 'member', password: 'a-good-password' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'new.member@example.com',
      role: 'member',
      isInvited: false,
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const session = await t.http().post('/v1/auth/login').send({ tenant: acme.slug, email: 'new.member@example.com', password: 'a-good-password' });
    expect(session.status).toBe(200);

    const list = await t.as(acme.admin).get('/v1/users?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.data.map((u: { email: string }) => u.email)).toContain('new.member@example.com');
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password/i);
  });

  it('invites a user without a password, who cannot log in yet', async () => {
    const created = await create(acme.owner.auth, { email: 'invited@example.com', role: 'viewer' });
    expect(created.body.isInvited).toBe(true);
    const attempt = await t.http().post('/v1/auth/login').send({ tenant: acme.slug, email: 'invited@example.com', password: TEST_PASSWORD });
    expect(attempt.status).toBe(401);
  });

  it('answers a duplicate email with 409 and a weak password with a 400 that says why', async () => {
    expect((await create(acme.admin.auth, { email: acme.viewer.email, role: 'viewer' })).status).toBe(409);
    const weak = await create(acme.admin.auth, { email: 'weak@example.com', role: 'viewer', password: 'short' });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body.message)).toMatch(/password must be at least 10 characters/);
    const badRole = await create(acme.admin.auth, { email: 'x@example.com', role: 'superuser' });
    expect(badRole.status).toBe(400);
  });

  it('lets only owners make, change or remove owners', async () => {
    expect((await create(acme.admin.auth, { email: 'wannabe@example.com', role: 'owner' })).status).toBe(403);
    const promote = await t.as(acme.admin).patch(`/v1/users/${acme.member.id}`).send({ role: 'owner' });
    expect(promote.status).toBe(403);
    const demoteOwner = await t.as(acme.admin).patch(`/v1/users/${acme.owner.id}`).send({ role: 'member' });
    expect(demoteOwner.status).toBe(403);
    const removeOwner = await t.as(acme.admin).delete(`/v1/users/${acme.owner.id}`);
    expect(removeOwner.status).toBe(403);
    const ownerMakesOwner = await create(acme.owner.auth, { email: 'second-owner@example.com', role: 'owner' });
    expect(ownerMakesOwner.status).toBe(201);
  });

  it('keeps the last owner: neither removed nor demoted (409)', async () => {
    const tenant = await createTenant(t);
    const owner = await createUser(t, tenant, 'owner');
    expect((await t.as(owner).patch(`/v1/users/${owner.id}`).send({ role: 'admin' })).status).toBe(409);
    expect((await t.as(owner).delete(`/v1/users/${owner.id}`)).status).toBe(409);

    const second = await createUser(t, tenant, 'owner');
    expect((await t.as(second).patch(`/v1/users/${owner.id}`).send({ role: 'admin' })).status).toBe(200);
    expect((await t.as(second).delete(`/v1/users/${second.id}`)).status).toBe(409);
    const [row] = await t.owner`select count(*)::int as count from users where tenant_id = ${tenant.id} and role = 'owner'`;
    expect(row!.count).toBe(1);
  });

  it('makes a changed role take effect: the old token is refused, a refresh carries the new role', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = await login(t, tenant, tenant.member);
    const changed = await t.as(tenant.admin).patch(`/v1/users/${tenant.member.id}`).send({ role: 'viewer' });
    expect(changed.body.role).toBe('viewer');
    expect((await t.as(tenant.member).get('/v1/projects')).status).toBe(401);
    // Changing the role revoked its refresh tokens too: the user signs in again.
    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
    const again = await login(t, tenant, tenant.member);
    const me = await t.as(`Bearer ${again.accessToken}`).get('/v1/me');
    expect(me.body.user.role).toBe('viewer');
  });

  it('removes a user: its tokens stop working, the API keys it created stay', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = await login(t, tenant, tenant.admin);
    const key = await t.as(tenant.admin).post('/v1/api-keys').send({ name: 'ci', role: 'member' });
    expect((await t.as(tenant.owner).delete(`/v1/users/${tenant.admin.id}`)).status).toBe(204);
    expect((await t.as(tenant.admin).get('/v1/projects')).status).toBe(401);
    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
    expect((await t.as(`Bearer ${key.body.key}`).get('/v1/projects')).status).toBe(200);
    expect((await t.as(tenant.owner).delete(`/v1/users/${tenant.admin.id}`)).status).toBe(404);
  });

  it('counts users against the plan’s seat limit (403 quota_exceeded), and a removal frees a seat', async () => {
    const tenant = await createTenant(t, { plan: 'free' }); // 3 seats
    const owner = await createUser(t, tenant, 'owner');
    expect((await create(owner.auth, { email: 'two@example.com', role: 'member' })).status).toBe(201);
    const third = await create(owner.auth, { email: 'three@example.com', role: 'member' });
    expect(third.status).toBe(201);
    const fourth = await create(owner.auth, { email: 'four@example.com', role: 'member' });
    expect(fourth.status).toBe(403);
    expect(fourth.body.message).toMatch(/quota_exceeded/);
    expect((await t.as(owner).delete(`/v1/users/${third.body.id}`)).status).toBe(204);
    expect((await create(owner.auth, { email: 'four@example.com', role: 'member' })).status).toBe(201);
  });

  it("answers another tenant's user ids with 404 and never lists them", async () => {
    const other = await createTenantWithUsers(t);
    expect((await t.as(acme.owner).patch(`/v1/users/${other.member.id}`).send({ role: 'viewer' })).status).toBe(404);
    expect((await t.as(acme.owner).delete(`/v1/users/${other.member.id}`)).status).toBe(404);
    const list = await t.as(acme.owner).get('/v1/users?limit=100');
    expect(list.body.data.map((u: { id: string }) => u.id)).not.toContain(other.member.id);
    const [row] = await t.owner`select role from users where id = ${other.member.id}`;
    expect(row!.role).toBe('member');
  });
});
