import { createProject, createTask, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

describe('projects and tasks', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  it('creates, reads, updates and deletes a project', async () => {
    const created = await t.as(acme.member).post('/v1/projects').send({ name: ' Roadmap ', description: 'Q3' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Roadmap', description: 'Q3', createdBy: acme.member.id });

    const read = await t.as(acme.viewer).get(`/v1/projects/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Roadmap');

    const patched = await t.as(acme.member).patch(`/v1/projects/${created.body.id}`).send({ name: 'Roadmap 2' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Roadmap 2', description: 'Q3' });

    const deleted = await t.as(acme.member).delete(`/v1/projects/${created.body.id}`);
    expect(deleted.status).toBe(204);
    const [{ count }] = await t.owner`select count(*)::int as count from projects where id = ${created.body.id}`;
    expect(count).toBe(0);
    expect((await t.as(acme.viewer).get(`/v1/projects/${created.body.id}`)).status).toBe(404);
  });

  it('pages through a list with limit and nextCursor, newest first, without gaps or repeats', async () => {
    const tenant = await createTenantWithUsers(t);
    const names = [];
    for (let i = 0; i < 7; i += 1) names.push((await createProject(t, tenant.owner, `p${i}`)).name);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '3', ...(cursor ? { cursor } : {}) };
      const page = await t.as(tenant.viewer).get('/v1/projects').query(query);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((p: { name: string }) => p.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());
  });

  it.each([
    ['limit=0', 400],
    ['limit=101', 400],
    ['limit=abc', 400],
    ['cursor=not-a-cursor', 400],
    ['limit=100', 200],
  ])('answers %s with %i', async (query, status) => {
    const response = await t.as(acme.viewer).get(`/v1/projects?${query}`);
    expect(response.status).toBe(status);
  });

  it('rejects unknown fields, ids, tenant ids and timestamps in a body', async () => {
    for (const extra of [{ tenant_id: acme.id }, { tenantId: acme.id }, { id: acme.id }, { createdAt: '2020-01-01' }, { color: 'red' }]) {
      const response = await t.as(acme.member).post('/v1/projects').send({ name: 'x', ...extra });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toContain(Object.keys(extra)[0]);
    }
  });

  it('names every failing field in a validation error', async () => {
    const response = await t.as(acme.member).post('/v1/projects').send({ name: '', description: 5 });
    expect(response.status).toBe(400);
    const message = JSON.stringify(response.body.message);
    expect(message).toContain('name');
    expect(message).toContain('description');
  });

  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    expect((await t.as(acme.viewer).get('/v1/projects/not-a-uuid')).status).toBe(400);
    expect((await t.as(acme.viewer).get('/v1/projects/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.as(acme.viewer).get('/v1/projects/not-a-uuid/tasks')).status).toBe(400);
  });

  it('lets viewers read and members and up write', async () => {
    const project = await createProject(t, acme.owner);
    expect((await t.as(acme.viewer).post('/v1/projects').send({ name: 'no' })).status).toBe(403);
    expect((await t.as(acme.viewer).patch(`/v1/projects/${project.id}`).send({ name: 'no' })).status).toBe(403);
    expect((await t.as(acme.viewer).delete(`/v1/projects/${project.id}`)).status).toBe(403);
    expect((await t.as(acme.viewer).post(`/v1/projects/${project.id}/tasks`).send({ title: 'no' })).status).toBe(403);
    for (const user of [acme.owner, acme.admin, acme.member]) {
      expect((await t.as(user).post('/v1/projects').send({ name: user.role })).status).toBe(201);
    }
  });

  it('manages tasks under a project and deletes them with it', async () => {
    const project = await createProject(t, acme.member);
    const task = await createTask(t, acme.member, project.id, 'Write spec');
    expect(task).toMatchObject({ title: 'Write spec', projectId: project.id });

    const list = await t.as(acme.viewer).get(`/v1/projects/${project.id}/tasks`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([task.id]);

    const done = await t.as(acme.member).patch(`/v1/projects/${project.id}/tasks/${task.id}`).send({ status: 'done' });
    expect(done.body.status).toBe('done');
    const invalid = await t.as(acme.member).patch(`/v1/projects/${project.id}/tasks/${task.id}`).send({ status: 'finished' });
    expect(invalid.status).toBe(400);

    const missingProject = await t.as(acme.member).post('/v1/projects/00000000-0000-4000-8000-000000000000/tasks').send({ title: 'x' });
    expect(missingProject.status).toBe(404);

    await t.as(acme.member).delete(`/v1/projects/${project.id}`).expect(204);
    const [{ count }] = await t.owner`select count(*)::int as count from tasks where project_id = ${project.id}`;
    expect(count).toBe(0);
  });

  it('refuses a request without credentials or with a malformed body', async () => {
    expect((await t.http().get('/v1/projects')).status).toBe(401);
    const response = await t.as(acme.member).post('/v1/projects').set('content-type', 'application/json').send('{"name":');
    expect(response.status).toBe(400);
  });
});
