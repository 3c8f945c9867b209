import { createTenantWithUsers } from '../factories';
import { freePort, OwnRedis } from '../support/own-redis';
import { createTestApp, TestApp } from '../support/test-app';

/** Redis of this test's own, stopped on purpose: without a version, every request checks the database. */
describe('the tenant and user check while Redis is down', () => {
  let t: TestApp;
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await createTestApp({ REDIS_URL: redis.url, RATE_LIMIT_FAIL_OPEN_SECONDS: '60' });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('reads the check from the database while the rate limit fails open', async () => {
    const tenant = await createTenantWithUsers(t);
    for (const user of [tenant.member, tenant.viewer, tenant.member, tenant.viewer]) expect((await t.as(user).get('/v1/projects')).status).toBe(200);

    await redis.stop();
    // No bump can reach Redis now, nor can the limiter read a version: the database decides.
    await t.owner`update users set role = 'viewer' where id = ${tenant.member.id}`;
    const refused = await t.as(tenant.member).get('/v1/projects');
    expect(refused.status).toBe(401);
    await t.owner`update tenants set status = 'suspended' where id = ${tenant.id}`;
    const suspended = await t.as(tenant.viewer).get('/v1/projects');
    expect(suspended.status).toBe(403);
    expect(suspended.body.message).toMatch(/suspended/);
  });
});
