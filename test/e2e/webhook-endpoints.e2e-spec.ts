import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

/** Webhook endpoints over HTTP: the secret shown once and kept encrypted, changes, rotation, the plan's limit. */
describe('webhook endpoints', () => {
  let t: TestApp;
  let tenant: TestTenantWithUsers;

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenantWithUsers(t, { plan: 'pro' });
  });
  afterAll(() => t.close());

  const create = (body: object, auth = tenant.owner.auth) => t.http().post('/v1/webhooks').set('authorization', auth).send(body);

  it('creates an endpoint with its secret shown once, stored encrypted in the tenant secret store', async () => {
    const response = await create({ url: 'http://127.0.0.1:4567/hooks', events: ['project.created'], description: 'local receiver' });
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({ url: 'http://127.0.0.1:4567/hooks', events: ['project.created'], description: 'local receiver', enabled: true });
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = response.body.id as string;

    const read = await t.http().get(`/v1/webhooks/${id}`).set('authorization', tenant.admin.auth).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify((await t.http().get('/v1/webhooks').set('authorization', tenant.admin.auth).expect(200)).body)).not.toContain(response.body.secret);

    // The store holds ciphertext under the endpoint's name, never the secret itself; the audit row neither.
    const [stored] = await t.owner<{ ciphertext: Buffer }[]>`select ciphertext from tenant_secrets where tenant_id = ${tenant.id} and name = ${`webhook:${id}:signing`}`;
    expect(stored).toBeDefined();
    expect(stored!.ciphertext.toString('latin1')).not.toContain(response.body.secret.slice(6));
    const audit = await t.owner`select changes::text as changes from audit_logs where tenant_id = ${tenant.id} and action = 'webhook.created'`;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).not.toContain(response.body.secret);
  });

  it('refuses bad input with 400 naming the field, never a 500', async () => {
    const cases: [object, RegExp][] = [
      [{ url: 'ftp://example.com/x', events: ['project.created'] }, /http\(s\)/],
      [{ url: 'not a url', events: ['project.created'] }, /absolute/],
      [{ url: 'https://user:pw@example.com/x', events: ['project.created'] }, /credentials/],
      [{ url: 'https://example.com/x', events: [] }, /events/],
      [{ url: 'https://example.com/x', events: ['project.exploded'] }, /events/],
      [{ url: 'https://example.com/x', events: ['webhook.test'] }, /events/],
      [{ url: 'https://example.com/x', events: ['project.created', 'project.created'] }, /events/],
      [{ url: 'https://example.com/x', events: ['project.created'], tenantId: tenant.id }, /tenantId/],
      [{ url: 12, events: 'project.created' }, /url/],
      [{ url: 'http://10.1.2.3/hook', events: ['project.created'] }, /refused address/],
      [{ url: 'http://169.254.169.254/latest/meta-data', events: ['project.created'] }, /refused address/],
      [{ url: 'http://[::ffff:10.0.0.1]/hook', events: ['project.created'] }, /refused address/],
    ];
    for (const [body, message] of cases) {
      const response = await create(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(response.body.message)).toMatch(message);
    }
  });

  it('changes url, events, description and enabled; PATCH validates like POST', async () => {
    const { id } = (await create({ url: 'http://127.0.0.1:4567/a', events: ['project.created'] })).body;
    const changed = await t.http().patch(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth)
      .send({ url: 'http://localhost:4567/b', events: ['task.created', 'user.removed'], description: 'x', enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ url: 'http://localhost:4567/b', events: ['task.created', 'user.removed'], description: 'x', enabled: false });
    await t.http().patch(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).send({ description: null }).expect(200);
    expect((await t.http().get(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth)).body.description).toBeNull();
    await t.http().patch(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).send({ url: 'gopher://x' }).expect(400);
    await t.http().patch(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).send({ enabled: 'yes' }).expect(400);
    await t.http().patch(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).send({ secretVersion: 7 }).expect(400);
    await t.http().get('/v1/webhooks/not-a-uuid').set('authorization', tenant.owner.auth).expect(400);
  });

  it('rotates the secret: a new one, the old one kept for 24 hours beside it', async () => {
    const created = (await create({ url: 'http://127.0.0.1:4567/r', events: ['project.created'] })).body;
    const rotated = await t.http().post(`/v1/webhooks/${created.id}/rotate-secret`).set('authorization', tenant.admin.auth);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const expires = new Date(rotated.body.previousSecretExpiresAt).getTime();
    expect(Math.abs(expires - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
    const names = await t.owner`select name from tenant_secrets where tenant_id = ${tenant.id} and name like ${`webhook:${created.id}:%`} order by name`;
    expect(names.map((row) => row.name)).toEqual([`webhook:${created.id}:previous`, `webhook:${created.id}:signing`]);
  });

  it('deletes an endpoint with its secrets; another tenant sees none of it', async () => {
    const other = await createTenantWithUsers(t);
    const { id } = (await create({ url: 'http://127.0.0.1:4567/d', events: ['project.created'] })).body;
    await t.http().get(`/v1/webhooks/${id}`).set('authorization', other.owner.auth).expect(404);
    await t.http().delete(`/v1/webhooks/${id}`).set('authorization', other.owner.auth).expect(404);
    expect((await t.http().get('/v1/webhooks').set('authorization', other.owner.auth).expect(200)).body.data).toEqual([]);
    await t.http().delete(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).expect(204);
    await t.http().get(`/v1/webhooks/${id}`).set('authorization', tenant.owner.auth).expect(404);
    expect(await t.owner`select 1 from tenant_secrets where tenant_id = ${tenant.id} and name like ${`webhook:${id}:%`}`).toHaveLength(0);
  });

  it('members and viewers may not touch endpoints', async () => {
    await create({ url: 'http://127.0.0.1:4567/m', events: ['project.created'] }, tenant.member.auth).expect(403);
    await t.http().get('/v1/webhooks').set('authorization', tenant.viewer.auth).expect(403);
  });

  it('holds the plan limit webhook_endpoints under concurrency', async () => {
    const free = await createTenantWithUsers(t, { plan: 'free' }); // 2 endpoints
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => create({ url: `http://127.0.0.1:4567/${index}`, events: ['project.created'] }, free.owner.auth)),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(2);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(403);
      expect(answer.body.message).toMatch(/quota_exceeded: the free plan allows 2 webhook_endpoints/);
    }
  });
});
