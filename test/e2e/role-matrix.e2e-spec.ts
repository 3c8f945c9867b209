import { randomBytes } from 'node:crypto';
import type { TenantRole } from '@tenantry/db';
import { createApiKey, createProject, createTask, createTenantWithUsers, createUser, TestTenantWithUsers, TestUser } from '../factories';
import { useTestApp } from '../support/test-app';

type Route = {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Builds the path (and any fresh resource it needs) before each call. */
  path: () => Promise<string>;
  body?: () => object;
  least: TenantRole;
  success: number;
};

const ROLES: TenantRole[] = ['owner', 'admin', 'member', 'viewer'];
const rank = (role: TenantRole) => ROLES.indexOf(role);

/** Every tenant route × every role: the least role gets in, the roles below get 403. */
describe('role matrix of the tenant API', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;
  let project: { id: string };
  let task: { id: string };

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
    project = await createProject(t, acme.owner);
    task = await createTask(t, acme.owner, project.id);
  });

  const unique = () => randomBytes(4).toString('hex');
  const routes: [string, Route][] = [
    ['GET /v1/me', { method: 'get', path: async () => '/v1/me', least: 'viewer', success: 200 }],
    ['GET /v1/projects', { method: 'get', path: async () => '/v1/projects', least: 'viewer', success: 200 }],
    ['POST /v1/projects', { method: 'post', path: async () => '/v1/projects', body: () => ({ name: 'p' }), least: 'member', success: 201 }],
    ['GET /v1/projects/:id', { method: 'get', path: async () => `/v1/projects/${project.id}`, least: 'viewer', success: 200 }],
    ['PATCH /v1/projects/:id', { method: 'patch', path: async () => `/v1/projects/${project.id}`, body: () => ({ name: 'q' }), least: 'member', success: 200 }],
    ['DELETE /v1/projects/:id', { method: 'delete', path: async () => `/v1/projects/${(await createProject(t, acme.owner)).id}`, least: 'member', success: 204 }],
    ['GET /v1/projects/:id/tasks', { method: 'get', path: async () => `/v1/projects/${project.id}/tasks`, least: 'viewer', success: 200 }],
    ['POST /v1/projects/:id/tasks', { method: 'post', path: async () => `/v1/projects/${project.id}/tasks`, body: () => ({ title: 't' }), least: 'member', success: 201 }],
    ['GET /v1/projects/:id/tasks/:taskId', { method: 'get', path: async () => `/v1/projects/${project.id}/tasks/${task.id}`, least: 'viewer', success: 200 }],
    ['PATCH /v1/projects/:id/tasks/:taskId', { method: 'patch', path: async () => `/v1/projects/${project.id}/tasks/${task.id}`, body: () => ({ status: 'doing' }), least: 'member', success: 200 }],
    [
      'DELETE /v1/projects/:id/tasks/:taskId',
      { method: 'delete', path: async () => `/v1/projects/${project.id}/tasks/${(await createTask(t, acme.owner, project.id)).id}`, least: 'member', success: 204 },
    ],
    ['GET /v1/users', { method: 'get', path: async () => '/v1/users', least: 'admin', success: 200 }],
    ['POST /v1/users', { method: 'post', path: async () => '/v1/users', body: () => ({ email: `u-${unique()}@example.com`, role: 'viewer' }), least: 'admin', success: 201 }],
    ['PATCH /v1/users/:id', { method: 'patch', path: async () => `/v1/users/${(await createUser(t, acme, 'member')).id}`, body: () => ({ role: 'viewer' }), least: 'admin', success: 200 }],
    ['DELETE /v1/users/:id', { method: 'delete', path: async () => `/v1/users/${(await createUser(t, acme, 'member')).id}`, least: 'admin', success: 204 }],
    ['GET /v1/api-keys', { method: 'get', path: async () => '/v1/api-keys', least: 'admin', success: 200 }],
    ['POST /v1/api-keys', { method: 'post', path: async () => '/v1/api-keys', body: () => ({ name: 'k', role: 'viewer' }), least: 'admin', success: 201 }],
    ['DELETE /v1/api-keys/:id', { method: 'delete', path: async () => `/v1/api-keys/${(await createApiKey(t, acme.owner)).id}`, least: 'admin', success: 204 }],
    ['GET /v1/events', { method: 'get', path: async () => '/v1/events', least: 'admin', success: 200 }],
  ];

  const cases = routes.flatMap(([name, route]) => ROLES.map((role) => [name, role, route] as const));

  it.each(cases)('%s as %s', async (_, role, route) => {
    const user: TestUser = acme[role];
    const path = await route.path();
    const call = t.as(user)[route.method](path);
    const response = await (route.body ? call.send(route.body()) : call);
    const expected = rank(role) <= rank(route.least) ? route.success : 403;
    expect({ status: response.status, body: expected === 403 ? response.body.message : undefined }).toEqual({
      status: expected,
      body: expected === 403 ? expect.stringMatching(new RegExp(`${route.least} role or higher`)) : undefined,
    });
  });
});
