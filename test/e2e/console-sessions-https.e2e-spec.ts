import { createTenantWithUsers, TEST_PASSWORD } from '../factories';
import { useTestApp } from '../support/test-app';

// Its own file: the config (TRUST_PROXY) is read once per module graph.
describe('console sessions over HTTPS behind a proxy', () => {
  const t = useTestApp({ TRUST_PROXY: 'true' });

  it('marks the cookie Secure', async () => {
    const acme = await createTenantWithUsers(t);
    const response = await t
      .http()
      .post('/v1/console/auth/login')
      .set('x-forwarded-proto', 'https')
      .set('x-forwarded-host', 'console.example')
      .set('origin', 'https://console.example')
      .send({ tenant: acme.slug, email: acme.owner.email, password: TEST_PASSWORD })
      .expect(200);
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((entry) => entry.startsWith('tenantry_session='));
    expect(cookie).toMatch(/; Secure/);
  });
});
