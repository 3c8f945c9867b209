import { randomBytes } from 'node:crypto';
import { createTenantWithUsers, randomSlug, TEST_PASSWORD } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

/** The hourly budgets of the public account routes, with limits small enough to reach. */
describe('account route throttles', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Budgets of its own: every suite of a run calls from 127.0.0.1.
    const prefix = `${process.env.REDIS_KEY_PREFIX}-throttles-${randomBytes(3).toString('hex')}`;
    t = await createTestApp({ SIGNUP_MAX_PER_IP: '2', ACCOUNT_MAIL_MAX_PER_IP: '3', ACCOUNT_MAIL_MAX_PER_ADDRESS: '2', REDIS_KEY_PREFIX: prefix });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('signups per IP: 429 with Retry-After past the budget', async () => {
    const signup = () =>
      t.http().post('/v1/signup').send({ tenantName: 'Many', slug: randomSlug('many'), email: `x-${randomBytes(3).toString('hex')}@example.com`, password: TEST_PASSWORD });
    expect((await signup()).status).toBe(201);
    expect((await signup()).status).toBe(201);
    const third = await signup();
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/signups/) });
  });

  it('password resets per address, known or not, and per IP', async () => {
    const tenant = await createTenantWithUsers(t);
    const reset = (email: string) => t.http().post('/v1/auth/password-reset').send({ tenant: tenant.slug, email });
    // Per address: the same budget for a known and an unknown one.
    expect([(await reset(tenant.member.email)).status, (await reset(tenant.member.email)).status, (await reset(tenant.member.email)).status]).toEqual([202, 202, 429]);
    // Per IP: the budget of 3 is spent (3 requests above), whatever the address.
    const other = await reset('someone-else@example.com');
    expect(other.status).toBe(429);
    expect(other.headers['retry-after']).toBeDefined();
  });
});
