import { Census, CatalogRoute, fillPath, routeCatalog } from '../routes/catalog';
import { PUBLIC_ROUTES } from '../routes/fixtures';
import { createWorld, PLACEHOLDER_ID, rankOf, ROLES, World } from '../routes/world';
import { useTestApp } from '../support/test-app';

const ROLE_REFUSAL = /role or higher/;

/**
 * Generated from the router: every route × every kind of caller. The guards decide before any
 * lookup or validation, so a placeholder id and an empty body reach them like real ones.
 */
describe('access, generated from the router: every route × every caller', () => {
  const t = useTestApp();
  let world: World;
  let routes: CatalogRoute[];
  const census = new Census('access');

  beforeAll(async () => {
    world = await createWorld(t);
    routes = routeCatalog(t);
  });
  afterAll(async () => {
    census.print();
  });

  const call = async (route: CatalogRoute, authorization?: string) => {
    const path = fillPath(route.template, Object.fromEntries(route.pathParams.map((name) => [name, PLACEHOLDER_ID])));
    const request = t.http()[route.method](path);
    if (authorization) request.set('authorization', authorization);
    const response = await (route.hasBody ? request.send({}) : request);
    census.count(route.key, response.status);
    return { status: response.status, message: response.body?.message as unknown };
  };

  it('declares every public route with the reason it needs no credentials', () => {
    const undeclared = routes
      .filter((route) => route.access === 'public' && !(route.key in PUBLIC_ROUTES))
      .map((route) => `${route.key} is @Public(): add it to PUBLIC_ROUTES in test/routes/fixtures.ts with the reason it needs no credentials`);
    const stale = Object.keys(PUBLIC_ROUTES)
      .filter((key) => !routes.some((route) => route.key === key && route.access === 'public'))
      .map((key) => `${key} is in PUBLIC_ROUTES but is no public route: remove it`);
    expect([...undeclared, ...stale]).toEqual([]);
  });

  it('answers 401 to no credentials and to invalid ones on every route that is not public', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      for (const [who, authorization] of [
        ['no credentials', undefined],
        ['a garbage bearer', 'Bearer not.a.jwt'],
        ['an unknown API key', `Bearer sk_${'x'.repeat(43)}`],
      ] as const) {
        const { status } = await call(route, authorization);
        if (status !== 401) problems.push(`${route.key} with ${who}: ${status}, not 401`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('refuses every role and API-key role below the least one of each tenant route (403), and lets the least one in', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access === 'tenant')) {
      for (const role of ROLES) {
        for (const [who, authorization] of [
          [`a ${role}`, world.a[role].auth],
          [`an API key of role ${role}`, world.a.keys[role].auth],
        ] as const) {
          const { status, message } = await call(route, authorization);
          const isRoleRefusal = status === 403 && ROLE_REFUSAL.test(String(message));
          if (rankOf(role) > rankOf(route.least)) {
            if (!isRoleRefusal) problems.push(`${route.key} as ${who} (least ${route.least}): ${status} ${JSON.stringify(message)}, not 403 for the role`);
          } else if (status === 401 || isRoleRefusal) {
            problems.push(`${route.key} as ${who} (least ${route.least}): ${status} ${JSON.stringify(message)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('answers a system-admin token on every tenant route with 403', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access === 'tenant')) {
      const { status, message } = await call(route, world.admin.auth);
      if (status !== 403) problems.push(`${route.key} as a system admin: ${status} ${JSON.stringify(message)}, not 403`);
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('answers tenant tokens (JWT, API key, impersonation) on every admin route with 403, and lets the system admin in', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access === 'system_admin')) {
      for (const [who, authorization] of [
        ["tenant A's owner", world.a.owner.auth],
        ["tenant A's owner API key", world.a.keys.owner.auth],
        ["an impersonation of A's owner", world.impersonation],
      ] as const) {
        const { status } = await call(route, authorization);
        if (status !== 403) problems.push(`${route.key} as ${who}: ${status}, not 403`);
      }
      const { status } = await call(route, world.admin.auth);
      if (status === 401 || status === 403) problems.push(`${route.key} as the system admin: ${status}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('refuses an impersonation token on every route marked @RefuseImpersonation without a condition', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => candidate.refusesImpersonation && candidate.impersonationRefusedAlways)) {
      const { status, message } = await call(route, world.impersonation);
      if (status !== 403 || !/impersonat/.test(String(message))) problems.push(`${route.key} while impersonating: ${status} ${JSON.stringify(message)}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
