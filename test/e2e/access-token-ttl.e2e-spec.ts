import { createTenantWithUsers, login } from '../factories';
import { useTestApp } from '../support/test-app';

describe('access token lifetime', () => {
  const t = useTestApp({ ACCESS_TOKEN_TTL: '2' });

  it('expires access tokens after ACCESS_TOKEN_TTL; the refresh token still gets a new one', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = await login(t, tenant, tenant.member);
    expect((await t.as(`Bearer ${session.accessToken}`).get('/v1/me')).status).toBe(200);
    // exp is whole seconds after a whole-second iat: a 2 s token is valid for more than 1 s, so the
    // first check cannot straddle its expiry, and 3.1 s later it has expired whatever the iat.
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await t.as(`Bearer ${session.accessToken}`).get('/v1/me')).status).toBe(401);
    const renewed = await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(renewed.body.expiresIn).toBe(2);
    expect((await t.as(`Bearer ${renewed.body.accessToken}`).get('/v1/me')).status).toBe(200);
  });
});
