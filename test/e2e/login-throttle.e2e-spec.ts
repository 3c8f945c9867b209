import { createTenantWithUsers, TEST_PASSWORD } from '../factories';
import { useTestApp } from '../support/test-app';

describe('login throttling', () => {
  const t = useTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_FAILURE_WINDOW: '60',
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}-throttle`,
    });

  const attempt = (slug: string, email: string, password: string) =>
    t.http().post('/v1/auth/login').send({ tenant: slug, email, password });

  it('answers 429 with Retry-After after repeated failures on one account, even with the right password', async () => {
    const tenant = await createTenantWithUsers(t);
    for (let i = 0; i < 3; i += 1) expect((await attempt(tenant.slug, tenant.member.email, 'wrong-password-x')).status).toBe(401);
    const blocked = await attempt(tenant.slug, tenant.member.email, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another account of the same tenant is not affected by this account's failures.
    expect((await attempt(tenant.slug, tenant.owner.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('clears an account’s count on success', async () => {
    const tenant = await createTenantWithUsers(t);
    for (let i = 0; i < 2; i += 1) await attempt(tenant.slug, tenant.admin.email, 'wrong-password-x');
    expect((await attempt(tenant.slug, tenant.admin.email, TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i += 1) expect((await attempt(tenant.slug, tenant.admin.email, 'wrong-password-x')).status).toBe(401);
  });

  it('throttles one IP across accounts, including system-admin logins', async () => {
    // Every failure counts against 127.0.0.1, whichever account it names: at most 8 get through.
    const statuses: number[] = [];
    for (let i = 0; i < 9 && !statuses.includes(429); i += 1) {
      statuses.push((await attempt(`tenant-${i}`, `user${i}@example.com`, 'wrong-password-x')).status);
    }
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    const adminLogin = await t.http().post('/v1/admin/auth/login').send({ email: 'a@example.com', password: 'x' });
    expect(adminLogin.status).toBe(429);
    expect(adminLogin.headers['retry-after']).toBeDefined();
  });
});
