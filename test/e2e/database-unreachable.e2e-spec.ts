import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { freePort } from '../support/own-redis';
import { createTestApp, TestApp } from '../support/test-app';

/** PostgreSQL down (nothing listens on the configured port): every answer is a 503 with Retry-After, never a 500. */
describe('PostgreSQL unreachable', () => {
  let t: TestApp;
  let tenant: TestTenantWithUsers;

  beforeAll(async () => {
    const closedPort = await freePort();
    const unreachable = (url: string) => {
      const parsed = new URL(url);
      parsed.port = String(closedPort);
      return parsed.toString();
    };
    t = await createTestApp({ DATABASE_URL: unreachable(process.env.DATABASE_URL!), SYSTEM_DATABASE_URL: unreachable(process.env.SYSTEM_DATABASE_URL!) });
    // The factories write through the owner's connection, which still reaches the database.
    tenant = await createTenantWithUsers(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['a tenant request', () => t.as(tenant.member).get('/v1/projects')],
    ['a tenant write', () => t.as(tenant.member).post('/v1/projects').send({ name: 'P' })],
    ['a login', () => t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.owner.email, password: 'whatever-password' })],
    ['an admin login', () => t.http().post('/v1/admin/auth/login').send({ email: 'ops@example.com', password: 'whatever-password' })],
  ])('answers %s 503 with Retry-After in the error shape', async (_name, call) => {
    const response = await call();
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable; retry shortly' });
  });

  it('reports not ready', async () => {
    expect((await t.http().get('/health/ready')).status).toBe(503);
  });
});
