import { createProject, createTask, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

/** Tenant A's credentials against tenant B's ids: 404 exactly like a missing id, never data. */
describe('cross-tenant HTTP access', () => {
  let t: TestApp;
  let a: TestTenantWithUsers;
  let b: TestTenantWithUsers;
  let projectA: { id: string };
  let projectB: { id: string };
  let taskB: { id: string };
  let domainB: { id: string };
  let connectionB: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    projectA = await createProject(t, a.owner, 'A project');
    projectB = await createProject(t, b.owner, 'B project');
    taskB = await createTask(t, b.owner, projectB.id, 'B task');
    domainB = (await t.http().post('/v1/tenant/domains').set('authorization', b.owner.auth).send({ domain: `${b.slug}.example` })).body;
    connectionB = (
      await t.http().post('/v1/tenant/sso/connections').set('authorization', b.owner.auth)
        .send({ type: 'oidc', issuer: 'https://idp.b.example', clientId: 'b-client', clientSecret: 'b-secret' })
    ).body;
    expect((await t.http().put('/v1/tenant/secrets/b.only').set('authorization', b.owner.auth).send({ value: 'b value' })).status).toBe(204);
  });
  afterAll(() => t.close());

  const cases = (): [string, string, object | undefined][] => [
    ['GET', `/v1/projects/${projectB.id}`, undefined],
    ['PATCH', `/v1/projects/${projectB.id}`, { name: 'hijacked' }],
    ['DELETE', `/v1/projects/${projectB.id}`, undefined],
    ['GET', `/v1/projects/${projectB.id}/tasks`, undefined],
    ['POST', `/v1/projects/${projectB.id}/tasks`, { title: 'planted' }],
    ['GET', `/v1/projects/${projectB.id}/tasks/${taskB.id}`, undefined],
    ['PATCH', `/v1/projects/${projectB.id}/tasks/${taskB.id}`, { title: 'hijacked' }],
    ['DELETE', `/v1/projects/${projectB.id}/tasks/${taskB.id}`, undefined],
    // B's task under A's own project id
    ['GET', `/v1/projects/${projectA.id}/tasks/${taskB.id}`, undefined],
    ['PATCH', `/v1/projects/${projectA.id}/tasks/${taskB.id}`, { title: 'hijacked' }],
    ['DELETE', `/v1/projects/${projectA.id}/tasks/${taskB.id}`, undefined],
    ['DELETE', '/v1/tenant/secrets/b.only', undefined],
    ['GET', `/v1/tenant/domains/${domainB.id}`, undefined],
    ['POST', `/v1/tenant/domains/${domainB.id}/verify`, undefined],
    ['DELETE', `/v1/tenant/domains/${domainB.id}`, undefined],
    ['GET', `/v1/tenant/sso/connections/${connectionB.id}`, undefined],
    ['PATCH', `/v1/tenant/sso/connections/${connectionB.id}`, { name: 'hijacked' }],
    ['DELETE', `/v1/tenant/sso/connections/${connectionB.id}`, undefined],
  ];

  it("answers 404 for every route on the other tenant's ids, as for an id that does not exist", async () => {
    for (const [method, path, body] of cases()) {
      const call = t.http()[method.toLowerCase() as 'get'](path).set('authorization', a.owner.auth);
      const response = await (body ? call.send(body) : call);
      expect({ method, path, status: response.status, body: response.body }).toEqual({
        method,
        path,
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: expect.stringMatching(/not found/) },
      });
    }
  });

  it("leaves the other tenant's rows untouched", async () => {
    const [project] = await t.owner`select name from projects where id = ${projectB.id}`;
    expect(project!.name).toBe('B project');
    const tasks = await t.owner`select title from tasks where tenant_id = ${b.id}`;
    expect(tasks.map((row) => row.title)).toEqual(['B task']);
    const secrets = await t.owner`select name from tenant_secrets where tenant_id = ${b.id}`;
    expect(secrets.map((row) => row.name).sort()).toEqual(['b.only', `sso:${connectionB.id}:client_secret`].sort());
  });

  it("never lists the other tenant's rows", async () => {
    const list = await t.http().get('/v1/projects?limit=100').set('authorization', a.viewer.auth);
    expect(list.status).toBe(200);
    const ids = list.body.data.map((p: { id: string }) => p.id);
    expect(ids).toContain(projectA.id);
    expect(ids).not.toContain(projectB.id);
  });

  it("never shows the other tenant's usage", async () => {
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    await t.owner`insert into usage_rollups (tenant_id, metric, granularity, bucket_start, value)
      values (${b.id}, 'b.secret', 'month', ${month}, 4242), (${a.id}, 'a.own', 'month', ${month}, 7)`;
    const mine = await t.http().get('/v1/usage?granularity=month').set('authorization', a.admin.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((row: { metric: string }) => row.metric)).toContain('a.own');
    expect(JSON.stringify(mine.body)).not.toContain('b.secret');
    const theirs = await t.http().get('/v1/usage?granularity=month&metric=b.secret').set('authorization', b.admin.auth);
    expect(theirs.body.data).toEqual([{ metric: 'b.secret', bucketStart: month.toISOString(), value: 4242 }]);
  });

  it('answers /v1/me with the caller and its own tenant only', async () => {
    const me = await t.http().get('/v1/me').set('authorization', a.member.auth);
    expect(me.body).toMatchObject({ user: { id: a.member.id, role: 'member' }, tenant: { id: a.id, slug: a.slug } });
  });
});
