import { randomSlug, createSystemAdmin, TEST_PASSWORD } from '../factories';
import { useTestApp } from '../support/test-app';
import { AdminRepository } from '../../apps/api/src/admin/admin.repository';

describe('system-admin login and tenant provisioning', () => {
  const t = useTestApp();
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    admin = await createSystemAdmin(t);
  });

  const provision = (body: object) => t.as(admin).post('/v1/admin/tenants').send(body);

  it('logs a system admin in with a token that names no tenant', async () => {
    const response = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    const claims = JSON.parse(Buffer.from(response.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: admin.id, role: 'system_admin', typ: 'access' });
    expect(claims.tid).toBeUndefined();
    const wrong = await t.http().post('/v1/admin/auth/login').send({ email: admin.email, password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
  });

  it('provisions a tenant and its first owner, who can then log in', async () => {
    const slug = randomSlug('new');
    const response = await provision({ slug, name: 'New Co', plan: 'pro', admin: { email: 'Boss@NewCo.test', password: 'a-long-password' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      tenant: { slug, name: 'New Co', plan: 'pro', status: 'active' },
      admin: { id: expect.any(String), email: 'boss@newco.test' },
    });
    const login = await t.http().post('/v1/auth/login').send({ tenant: slug, email: 'boss@newco.test', password: 'a-long-password' });
    expect(login.status).toBe(200);
    const me = await t.as(`Bearer ${login.body.accessToken}`).get('/v1/me');
    expect(me.body.user.role).toBe('owner');

    const read = await t.as(admin).get(`/v1/admin/tenants/${response.body.tenant.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: response.body.tenant.id, slug, plan: 'pro' });
  });

  it('invites the owner by mail when no password is given, and returns no password', async () => {
    const response = await provision({ slug: randomSlug(), name: 'No Password', admin: { email: 'x@example.com' } });
    expect(response.status).toBe(201);
    expect(response.body.admin.temporaryPassword).toBeUndefined();
    expect(response.body.admin.invitation).toEqual({ id: expect.any(String), expiresAt: expect.any(String) });
    expect(response.body.tenant.plan).toBe('free');
    const [mail] = await t.owner`select kind, to_address from mail_outbox where tenant_id = ${response.body.tenant.id}`;
    expect(mail).toEqual({ kind: 'invitation', to_address: 'x@example.com' });
    const [owner] = await t.owner`select role, password_hash from users where tenant_id = ${response.body.tenant.id}`;
    expect(owner).toEqual({ role: 'owner', password_hash: null });
  });

  it('answers a taken slug with 409 and leaves no second owner behind', async () => {
    const slug = randomSlug();
    expect((await provision({ slug, name: 'First', admin: { email: 'first@example.com', password: 'a-long-password' } })).status).toBe(201);
    const second = await provision({ slug, name: 'Second', admin: { email: 'second@example.com', password: 'a-long-password' } });
    expect(second.status).toBe(409);
    expect(second.body.message).toMatch(/slug/);
    const [row] = await t.owner`select count(*)::int as count from users where email = 'second@example.com'`;
    expect(row!.count).toBe(0);
  });

  it.each([
    [{ slug: 'Not_A_Label', name: 'x', admin: { email: 'a@b.co' } }, /slug/],
    [{ slug: '-leading', name: 'x', admin: { email: 'a@b.co' } }, /slug/],
    [{ slug: 'a'.repeat(64), name: 'x', admin: { email: 'a@b.co' } }, /slug/],
    [{ slug: 'ok-slug', name: '', admin: { email: 'a@b.co' } }, /name/],
    [{ slug: 'ok-slug', name: 'x', admin: { email: 'nope' } }, /email/],
    [{ slug: 'ok-slug', name: 'x', admin: { email: 'a@b.co', password: 'short' } }, /password/],
    [{ slug: 'ok-slug', name: 'x' }, /admin/],
    [{ slug: 'ok-slug', name: 'x', admin: { email: 'a@b.co' }, plan: 'platinum' }, /platinum.*does not exist/],
    [{ slug: 'ok-slug', name: 'x', admin: { email: 'a@b.co' }, config: { colour: 'red' } }, /config.colour/],
    [{ slug: 'ok-slug', name: 'x', admin: { email: 'a@b.co' }, id: '00000000-0000-4000-8000-000000000000' }, /id should not exist/],
  ])('answers %j with 400', async (body, message) => {
    const response = await provision(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(message);
  });

  it('creates the tenant and its owner all or nothing', async () => {
    const slug = randomSlug('atomic');
    // A NUL byte is refused by PostgreSQL: the owner insert fails after the tenant insert succeeded.
    await expect(
      t.app.get(AdminRepository).createTenantWithOwner({
        slug,
        name: 'Atomic',
        plan: 'free',
        config: {},
        owner: { email: 'bad\u0000@example.com', passwordHash: 'x' },
      }),
    ).rejects.toThrow();
    const [row] = await t.owner`select count(*)::int as count from tenants where slug = ${slug}`;
    expect(row!.count).toBe(0);
  });

  it('answers an unknown tenant id with 404 and a malformed one with 400', async () => {
    expect((await t.as(admin).get('/v1/admin/tenants/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.as(admin).get('/v1/admin/tenants/nope')).status).toBe(400);
  });
});
