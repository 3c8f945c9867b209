import { randomSlug, TEST_PASSWORD } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('SIGNUP_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SIGNUP_ENABLED: 'false' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses signups with 403 and creates nothing', async () => {
    const slug = randomSlug('off');
    const response = await t.http().post('/v1/signup').send({ tenantName: 'Off', slug, email: 'off@example.com', password: TEST_PASSWORD });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/signup is disabled/i);
    expect(await t.owner`select 1 from tenants where slug = ${slug}`).toHaveLength(0);
  });
});
