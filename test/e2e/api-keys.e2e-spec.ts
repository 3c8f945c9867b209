import { createApiKey, createProject, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

describe('API keys', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  it('creates a key shown once, stored as a hash, and authenticates with it', async () => {
    const created = await t.as(acme.admin).post('/v1/api-keys').send({ name: 'CI', role: 'member' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'CI', role: 'member', createdBy: acme.admin.id, lastUsedAt: null, revokedAt: null });
    expect(created.body.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 11));

    const [row] = await t.owner`select key_hash from api_keys where id = ${created.body.id}`;
    expect(row!.key_hash).not.toContain(created.body.key.slice(3));
    const list = await t.as(acme.admin).get('/v1/api-keys');
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.data[0]).not.toHaveProperty('key');

    const auth = `Bearer ${created.body.key}`;
    const project = await t.as(auth).post('/v1/projects').send({ name: 'by key' });
    expect(project.status).toBe(201);
    const me = await t.as(auth).get('/v1/me');
    expect(me.body).toMatchObject({ apiKey: { id: created.body.id, role: 'member' }, tenant: { id: acme.id } });
    const [used] = await t.owner`select last_used_at from api_keys where id = ${created.body.id}`;
    expect(used!.last_used_at).toBeInstanceOf(Date);
  });

  it('applies the key’s role, which can be at most its creator’s', async () => {
    const viewerKey = await createApiKey(t, acme.admin, 'viewer');
    expect((await t.as(viewerKey).get('/v1/projects')).status).toBe(200);
    expect((await t.as(viewerKey).post('/v1/projects').send({ name: 'no' })).status).toBe(403);
    const tooHigh = await t.as(acme.admin).post('/v1/api-keys').send({ name: 'x', role: 'owner' });
    expect(tooHigh.status).toBe(403);
    expect((await t.as(acme.member).post('/v1/api-keys').send({ name: 'x', role: 'member' })).status).toBe(403);
  });

  it('records the creating user as createdBy, and none when an API key creates the key', async () => {
    const adminKey = await createApiKey(t, acme.admin, 'admin');
    const byKey = await t.as(adminKey).post('/v1/api-keys').send({ name: 'made by a key', role: 'member' });
    expect(byKey.status).toBe(201);
    expect(byKey.body).toMatchObject({ name: 'made by a key', createdBy: null });
    const [row] = await t.owner`select created_by from api_keys where id = ${byKey.body.id}`;
    expect(row).toEqual({ created_by: null });
    // The listing says the same, and the key made by the admin still names the admin.
    const listed = (await t.as(acme.admin).get('/v1/api-keys?limit=100')).body.data as { id: string; createdBy: string | null }[];
    expect(listed.find((key) => key.id === byKey.body.id)?.createdBy).toBeNull();
    expect(listed.find((key) => key.id === adminKey.id)?.createdBy).toBe(acme.admin.id);
  });

  it('stops working on the very next request after revocation', async () => {
    const key = await createApiKey(t, acme.owner);
    expect((await t.as(key).get('/v1/projects')).status).toBe(200);
    expect((await t.as(acme.admin).delete(`/v1/api-keys/${key.id}`)).status).toBe(204);
    const after = await t.as(key).get('/v1/projects');
    expect(after.status).toBe(401);
    expect((await t.as(acme.admin).delete(`/v1/api-keys/${key.id}`)).status).toBe(204);
  });

  it('refuses expired, malformed and unknown keys with 401', async () => {
    const key = await createApiKey(t, acme.owner);
    await t.owner`update api_keys set expires_at = now() - interval '1 second' where id = ${key.id}`;
    expect((await t.as(key).get('/v1/projects')).status).toBe(401);
    expect((await t.as('Bearer sk_short').get('/v1/projects')).status).toBe(401);
    expect((await t.as(`Bearer sk_${'A'.repeat(43)}`).get('/v1/projects')).status).toBe(401);
  });

  it('validates creation: name, role and a future expiry', async () => {
    const past = await t.as(acme.owner).post('/v1/api-keys').send({ name: 'x', role: 'viewer', expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    const bad = await t.as(acme.owner).post('/v1/api-keys').send({ name: '', role: 'boss', expiresAt: 'soon' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/name/);
    expect(JSON.stringify(bad.body.message)).toMatch(/role/);
    expect(JSON.stringify(bad.body.message)).toMatch(/expiresAt/);
    const future = await t.as(acme.owner).post('/v1/api-keys').send({ name: 'x', role: 'viewer', expiresAt: '2099-01-01T00:00:00Z' });
    expect(future.status).toBe(201);
  });

  it('refuses a suspended tenant’s key with 403', async () => {
    const tenant = await createTenantWithUsers(t);
    const key = await createApiKey(t, tenant.owner);
    await t.owner`update tenants set status = 'suspended' where id = ${tenant.id}`;
    const response = await t.as(key).get('/v1/projects');
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/suspended/);
  });

  it("never reaches another tenant's rows and cannot revoke another tenant's key", async () => {
    const other = await createTenantWithUsers(t);
    const theirProject = await createProject(t, other.owner, 'theirs');
    const theirKey = await createApiKey(t, other.owner);
    const myKey = await createApiKey(t, acme.owner);
    expect((await t.as(myKey).get(`/v1/projects/${theirProject.id}`)).status).toBe(404);
    const list = await t.as(myKey).get('/v1/projects?limit=100');
    expect(list.body.data.map((p: { id: string }) => p.id)).not.toContain(theirProject.id);
    expect((await t.as(acme.owner).delete(`/v1/api-keys/${theirKey.id}`)).status).toBe(404);
    expect((await t.as(theirKey).get('/v1/projects')).status).toBe(200);
    const keys = await t.as(acme.owner).get('/v1/api-keys?limit=100');
    expect(keys.body.data.map((k: { id: string }) => k.id)).not.toContain(theirKey.id);
  });
});
