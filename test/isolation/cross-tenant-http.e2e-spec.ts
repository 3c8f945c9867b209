import { Census, CatalogRoute, fillPath, routeCatalog } from '../routes/catalog';
import { databaseFingerprint } from '../routes/fingerprint';
import { ROUTE_FIXTURES } from '../routes/fixtures';
import { createWorld, markersOf, World, WorldTenant } from '../routes/world';
import { useTestApp } from '../support/test-app';

/** Every way to fill a route's parameters with at least one of the other tenant's values. */
function mixes(names: string[], own: Record<string, string>, foreign: Record<string, string>): Record<string, string>[] {
  const result: Record<string, string>[] = [];
  for (let mask = 1; mask < 2 ** names.length; mask += 1) {
    result.push(Object.fromEntries(names.map((name, index) => [name, (mask >> index) & 1 ? foreign[name]! : own[name]!])));
  }
  return result;
}

/**
 * Generated from the router: tenant A's credentials (its owner's token and its owner API key) on
 * tenant B's ids answer 404 exactly like a missing id, hold none of B's data and change none of
 * B's rows; no list of A's holds a row of B's. A tenant route with a path parameter and no entry
 * in ROUTE_FIXTURES (test/routes/fixtures.ts) fails the first test, which names the entry to add.
 */
describe('cross-tenant HTTP access, generated from the router', () => {
  const t = useTestApp();
  let world: World;
  let routes: CatalogRoute[];
  /** Markers of B's data: ids, emails, key prefixes, everything its fixtures made. */
  const foreignMarkers: string[] = [];
  const census = new Census('cross-tenant');

  beforeAll(async () => {
    world = await createWorld(t);
    routes = routeCatalog(t);
    foreignMarkers.push(...markersOf(world.b));
  });
  afterAll(async () => {
    census.print();
  });

  const withIds = () => routes.filter((route) => route.access === 'tenant' && route.pathParams.length > 0);
  const callers = (tenant: WorldTenant) => [
    ['its owner', tenant.owner.auth],
    ['its owner API key', tenant.keys.owner.auth],
  ] as const;

  it('has a fixture for every tenant route with a path id', () => {
    const missing = withIds()
      .filter((route) => !ROUTE_FIXTURES[route.key])
      .map(
        (route) =>
          `${route.key} has no cross-tenant fixture: add to ROUTE_FIXTURES in test/routes/fixtures.ts ` +
          `'${route.key}': { params: async ({ t, tenant }) => ({ ${route.pathParams.map((name) => `${name}: <id of a new row of tenant>`).join(', ')} })${route.hasBody ? ', body: () => ({ <a body the route accepts> })' : ''} }`,
      );
    const stale = Object.keys(ROUTE_FIXTURES)
      .filter((key) => !withIds().some((route) => route.key === key))
      .map((key) => `${key} is in ROUTE_FIXTURES but the router has no such tenant route with a path id: remove it`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it("answers 404 for every route on the other tenant's ids, as for an id that does not exist, and changes none of its rows", async () => {
    const cases: { route: CatalogRoute; params: Record<string, string>; body?: object; exempt?: string }[] = [];
    for (const route of withIds()) {
      const fixture = ROUTE_FIXTURES[route.key];
      if (!fixture) continue;
      const own = await fixture.params({ t, tenant: world.a });
      const foreign = await fixture.params({ t, tenant: world.b });
      // An exempt route may rightly make A's own row of the same name: its values mark nothing.
      if (!fixture.notFoundExempt) foreignMarkers.push(...Object.values(foreign));
      for (const params of mixes(route.pathParams, own, foreign)) cases.push({ route, params, body: fixture.body?.(), exempt: fixture.notFoundExempt });
    }
    expect(cases.length).toBeGreaterThan(withIds().length);
    const before = await databaseFingerprint(t.owner, world.b.id);
    const problems: string[] = [];
    for (const { route, params, body, exempt } of cases) {
      for (const [who, authorization] of callers(world.a)) {
        const request = t.as(authorization)[route.method](fillPath(route.template, params));
        const response = await (body ? request.send(body) : request);
        census.count(route.key, response.status);
        const text = response.text ?? '';
        const leaked = foreignMarkers.filter((marker) => text.includes(marker));
        const isShared404 = response.status === 404 && response.body?.statusCode === 404 && response.body?.error === 'Not Found';
        if ((!isShared404 && !(exempt && response.status < 500)) || leaked.length > 0) {
          problems.push(`${route.key} ${JSON.stringify(params)} as A's ${who}: ${response.status} ${text.slice(0, 200)}${leaked.length ? ` (holds ${leaked.join(', ')})` : ''}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await databaseFingerprint(t.owner, world.b.id)).toEqual(before);
  }, 300_000);

  it("never lists or shows the other tenant's rows on any tenant GET route", async () => {
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    const secretMetric = `b.secret.${world.b.id.slice(0, 8)}`;
    await t.owner`insert into usage_rollups (tenant_id, metric, granularity, bucket_start, value)
      values (${world.b.id}, ${secretMetric}, 'month', ${month}, 4242), (${world.a.id}, 'a.own', 'month', ${month}, 7)`;
    foreignMarkers.push(secretMetric);
    const problems: string[] = [];
    let lists = 0;
    for (const route of routes.filter((candidate) => candidate.access === 'tenant' && candidate.method === 'get' && candidate.pathParams.length === 0)) {
      for (const [who, authorization] of callers(world.a)) {
        const query = route.key === 'GET /v1/usage' ? '?granularity=month' : route.key.endsWith('s') ? '?limit=100' : '';
        const response = await t.as(authorization).get(`${route.template}${query}`);
        census.count(route.key, response.status);
        const text = response.text ?? '';
        const leaked = foreignMarkers.filter((marker) => text.includes(marker));
        if (response.status >= 500 || leaked.length > 0) problems.push(`${route.key} as A's ${who}: ${response.status} holds ${leaked.join(', ')}`);
        if (response.status === 200) lists += 1;
      }
    }
    expect(problems).toEqual([]);
    expect(lists).toBeGreaterThan(10);
    // B sees its own row where A saw none: the marker was there to be leaked.
    const theirs = await t.as(world.b.admin).get(`/v1/usage?granularity=month&metric=${secretMetric}`);
    expect(theirs.body.data).toEqual([{ metric: secretMetric, bucketStart: month.toISOString(), value: 4242 }]);
  });

  it('answers /v1/me with the caller and its own tenant only', async () => {
    const me = await t.as(world.a.member).get('/v1/me');
    expect(me.body).toMatchObject({ user: { id: world.a.member.id, role: 'member' }, tenant: { id: world.a.id, slug: world.a.slug } });
  });
});
