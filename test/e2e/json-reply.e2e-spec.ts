import { createProject, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

/**
 * A handler's object answer is written by answerJsonDirectly (apps/api/src/http-edge/json-reply.ts),
 * not by Express's res.json: the same headers and bytes as Express sends, on every path a client
 * takes (GET, HEAD, a conditional GET, which Express still answers, and non-ASCII text).
 */
describe('JSON answers', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;
  let projectId: string;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
    projectId = (await createProject(t, acme.owner, 'Café ✓ – 東京')).id;
    for (let i = 0; i < 25; i += 1) await createProject(t, acme.owner, `Ü-${i}-${'x'.repeat(40)}`);
  });

  it.each([
    ['one project', () => `/v1/projects/${projectId}`],
    ['a page of projects (over 1,000 characters)', () => '/v1/projects?limit=25'],
  ])('answers %s as UTF-8 JSON with its byte length', async (_name, path) => {
    const response = await t.as(acme.viewer).get(path()).buffer(true);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const text = response.text;
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual(response.body);
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps the non-ASCII text intact', async () => {
    const response = await t.as(acme.viewer).get(`/v1/projects/${projectId}`);
    expect(response.body.name).toBe('Café ✓ – 東京');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await t.as(acme.viewer).get(`/v1/projects/${projectId}`);
    const head = await t.http().head(`/v1/projects/${projectId}`).set('authorization', acme.viewer.auth);
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('answers a conditional GET (If-None-Match, If-Modified-Since) with the same JSON: the API sends no validators', async () => {
    const plain = await t.as(acme.viewer).get(`/v1/projects/${projectId}`);
    for (const [header, value] of [
      ['If-None-Match', '"anything"'],
      ['If-Modified-Since', new Date().toUTCString()],
    ]) {
      const conditional = await t.as(acme.viewer).get(`/v1/projects/${projectId}`).set(header!, value!);
      expect(conditional.status).toBe(200);
      expect(conditional.headers['content-type']).toBe(plain.headers['content-type']);
      expect(conditional.headers['content-length']).toBe(plain.headers['content-length']);
      expect(conditional.body).toEqual(plain.body);
    }
  });

  it('answers an error through the exception filter and a 201 as JSON too', async () => {
    const missing = await t.as(acme.viewer).get('/v1/projects/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404 });
    expect(Number(missing.headers['content-length'])).toBe(Buffer.byteLength(missing.text));
    const created = await t.as(acme.member).post('/v1/projects').send({ name: 'Exported' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
