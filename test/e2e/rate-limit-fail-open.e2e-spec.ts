import { rateLimitFailOpen } from '@tenantry/metrics';
import { createTenantWithUsers } from '../factories';
import { freePort, OwnRedis } from '../support/own-redis';
import { createTestApp, TestApp } from '../support/test-app';

/** Rate limiting against a Redis of this test's own, stopped on purpose. */
describe('rate limiting while Redis is down', () => {
  let t: TestApp;
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await createTestApp({ REDIS_URL: redis.url, RATE_LIMIT_FAIL_OPEN_SECONDS: '2' });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('fails open for the configured time, then answers 503, never 500', async () => {
    const tenant = await createTenantWithUsers(t);
    const before = await t.as(tenant.viewer).get('/v1/projects');
    expect(before.status).toBe(200);
    expect(before.headers['ratelimit-limit']).toBeDefined();

    await redis.stop();
    const during = [];
    for (let i = 0; i < 3; i += 1) during.push(await t.as(tenant.viewer).get('/v1/projects'));
    expect(during.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(during[0]!.headers['ratelimit-limit']).toBeDefined();
    // ... and it says so in the metrics.
    expect((await rateLimitFailOpen.get()).values[0]!.value).toBeGreaterThanOrEqual(3);

    await new Promise((resolve) => setTimeout(resolve, 2200));
    const later = await t.as(tenant.viewer).get('/v1/projects');
    expect(later.status).toBe(503);
    expect(later.body.message).toMatch(/Rate limiting is unavailable/);
  });
});
