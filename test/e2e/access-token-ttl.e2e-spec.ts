import { createTenantWithUsers, login } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('access token lifetime', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_TOKEN_TTL: '2' });
  });
  afterAll(() => t.close());

  it('expires access tokens after ACCESS_TOKEN_TTL; the refresh token still gets a new one', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = await login(t, tenant, tenant.member);
    expect((await t.http().get('/v1/me').set('authorization', `Bearer ${session.accessToken}`)).status).toBe(200);
    // exp is whole seconds after a whole-second iat: a 2 s token is valid for more than 1 s, so the
    // first check cannot straddle its expiry, and 3.1 s later it has expired whatever the iat.
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await t.http().get('/v1/me').set('authorization', `Bearer ${session.accessToken}`)).status).toBe(401);
    const renewed = await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(renewed.body.expiresIn).toBe(2);
    expect((await t.http().get('/v1/me').set('authorization', `Bearer ${renewed.body.accessToken}`)).status).toBe(200);
  });
});
