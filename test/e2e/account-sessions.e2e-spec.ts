import { createApiKey, createTenantWithUsers, login, TEST_PASSWORD, TestTenantWithUsers } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

const NEW_PASSWORD = 'a-brand-new-passphrase-42';
const sessionIdOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid as string;

describe('the signed-in user: sessions and password change', () => {
  let t: TestApp;
  let acme: TestTenantWithUsers;
  let globex: TestTenantWithUsers;

  beforeAll(async () => {
    t = await createTestApp();
    [acme, globex] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
  });
  afterAll(() => t.close());

  const signIn = async (tenant: { slug: string }, email: string, password = TEST_PASSWORD, userAgent = 'jest-agent') => {
    const response = await t.http().post('/v1/auth/login').set('user-agent', userAgent).send({ tenant: tenant.slug, email, password });
    return response;
  };
  const bearer = (token: string) => `Bearer ${token}`;
  const refresh = (refreshToken: string, userAgent = 'jest-agent') => t.http().post('/v1/auth/refresh').set('user-agent', userAgent).send({ refreshToken });

  it('lists one session per sign-in with where it came from, marks the current one, and follows refreshes', async () => {
    const laptop = (await signIn(acme, acme.member.email, TEST_PASSWORD, 'Laptop/1.0')).body;
    const phone = (await signIn(acme, acme.member.email, TEST_PASSWORD, 'Phone/2.0')).body;
    const listed = await t.http().get('/v1/me/sessions').set('authorization', bearer(laptop.accessToken));
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(2);
    const byAgent = Object.fromEntries(listed.body.data.map((session: { userAgent: string }) => [session.userAgent, session]));
    expect(byAgent['Laptop/1.0']).toEqual({
      id: sessionIdOf(laptop.accessToken),
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      userAgent: 'Laptop/1.0',
      current: true,
    });
    expect(byAgent['Phone/2.0']).toMatchObject({ id: sessionIdOf(phone.accessToken), current: false });

    // A refresh keeps the session (same id), moves lastUsedAt and records the newer client.
    const before = byAgent['Phone/2.0'].lastUsedAt as string;
    const rotated = await refresh(phone.refreshToken, 'Phone/2.1');
    expect(rotated.status).toBe(200);
    expect(sessionIdOf(rotated.body.accessToken)).toBe(sessionIdOf(phone.accessToken));
    const after = (await t.http().get('/v1/me/sessions').set('authorization', bearer(rotated.body.accessToken))).body.data;
    expect(after).toHaveLength(2);
    const phoneNow = after.find((session: { id: string }) => session.id === sessionIdOf(phone.accessToken));
    expect(phoneNow).toMatchObject({ userAgent: 'Phone/2.1', current: true });
    expect(new Date(phoneNow.lastUsedAt).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
  });

  it('revokes a session: its refresh token and its access token stop working, the others do not', async () => {
    const kept = (await signIn(acme, acme.viewer.email)).body;
    const doomed = (await signIn(acme, acme.viewer.email)).body;
    const revoked = await t.http().delete(`/v1/me/sessions/${sessionIdOf(doomed.accessToken)}`).set('authorization', bearer(kept.accessToken));
    expect(revoked.status).toBe(204);
    expect((await refresh(doomed.refreshToken)).status).toBe(401);
    const dead = await t.http().get('/v1/me').set('authorization', bearer(doomed.accessToken));
    expect(dead.status).toBe(401);
    expect(dead.body.message).toMatch(/signed out/);
    expect((await t.http().get('/v1/me').set('authorization', bearer(kept.accessToken))).status).toBe(200);
    const listed = (await t.http().get('/v1/me/sessions').set('authorization', bearer(kept.accessToken))).body.data;
    expect(listed.map((session: { id: string }) => session.id)).toEqual([sessionIdOf(kept.accessToken)]);
    // Twice is 404: it is no live session any more.
    expect((await t.http().delete(`/v1/me/sessions/${sessionIdOf(doomed.accessToken)}`).set('authorization', bearer(kept.accessToken))).status).toBe(404);
    const audit = await t.owner`select action, resource_id, actor_id from audit_logs where tenant_id = ${acme.id} and action = 'session.revoked'`;
    expect(audit).toEqual([{ action: 'session.revoked', resource_id: sessionIdOf(doomed.accessToken), actor_id: acme.viewer.id }]);
  });

  it("answers 404 for another user's and another tenant's session and leaves them working", async () => {
    const mine = (await signIn(acme, acme.admin.email)).body;
    const colleague = (await signIn(acme, acme.owner.email)).body;
    const foreign = (await signIn(globex, globex.owner.email)).body;
    for (const other of [colleague, foreign]) {
      const response = await t.http().delete(`/v1/me/sessions/${sessionIdOf(other.accessToken)}`).set('authorization', bearer(mine.accessToken));
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect((await refresh(other.refreshToken)).status).toBe(200);
    }
    expect((await t.http().delete('/v1/me/sessions/not-a-uuid').set('authorization', bearer(mine.accessToken))).status).toBe(400);
  });

  it('changes the password: the caller keeps its session, every other session is signed out', async () => {
    const tenant = await createTenantWithUsers(t);
    const current = (await signIn(tenant, tenant.member.email)).body;
    const other = (await signIn(tenant, tenant.member.email)).body;
    const changed = await t.http().post('/v1/me/password').set('authorization', bearer(current.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(204);
    expect((await t.http().get('/v1/me').set('authorization', bearer(current.accessToken))).status).toBe(200);
    expect((await refresh(current.refreshToken)).status).toBe(200);
    expect((await t.http().get('/v1/me').set('authorization', bearer(other.accessToken))).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await signIn(tenant, tenant.member.email)).status).toBe(401);
    expect((await signIn(tenant, tenant.member.email, NEW_PASSWORD)).status).toBe(200);
    const audit = await t.owner`select action, resource_id, changes from audit_logs where tenant_id = ${tenant.id} and action = 'user.password_changed'`;
    expect(audit).toEqual([{ action: 'user.password_changed', resource_id: tenant.member.id, changes: { revokedSessions: 1 } }]);
    const [row] = await t.owner`select password_hash from users where id = ${tenant.member.id}`;
    expect(String(row!.password_hash)).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong current password with 400, then throttles it with 429', async () => {
    const tenant = await createTenantWithUsers(t);
    const session = (await signIn(tenant, tenant.viewer.email)).body;
    const attempt = () =>
      t.http().post('/v1/me/password').set('authorization', bearer(session.accessToken)).send({ currentPassword: 'not-the-password', newPassword: NEW_PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt()).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const throttled = await attempt();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits out the window, and nothing changed.
    const right = await t.http().post('/v1/me/password').set('authorization', bearer(session.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(right.status).toBe(429);
    expect((await signIn(tenant, tenant.viewer.email)).status).toBe(200);
  });

  it('applies the password rules to the new password and refuses an unchanged one', async () => {
    const session = (await signIn(globex, globex.member.email)).body;
    const short = await t.http().post('/v1/me/password').set('authorization', bearer(session.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.message)).toMatch(/at least 10/);
    const same = await t.http().post('/v1/me/password').set('authorization', bearer(session.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD });
    expect(same.status).toBe(400);
    expect(same.body.message).toMatch(/differ/);
    const extra = await t.http().post('/v1/me/password').set('authorization', bearer(session.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, userId: globex.owner.id });
    expect(extra.status).toBe(400);
  });

  it('is for signed-in users: an API key has no password or sessions, an impersonation may not change the password', async () => {
    const key = await createApiKey(t, globex.owner, 'owner');
    expect((await t.http().get('/v1/me/sessions').set('authorization', key.auth)).status).toBe(403);
    expect((await t.http().post('/v1/me/password').set('authorization', key.auth).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(403);
    const { createSystemAdmin } = await import('../factories');
    const admin = await createSystemAdmin(t);
    const issued = await t.http().post(`/v1/admin/tenants/${globex.id}/impersonate`).set('authorization', admin.auth).send({ userId: globex.admin.id, reason: 'support ticket 1' });
    expect(issued.status).toBe(200);
    const impersonated = await t.http().post('/v1/me/password').set('authorization', bearer(issued.body.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(impersonated.status).toBe(403);
    expect(impersonated.body.message).toMatch(/impersonat/);
    expect((await t.http().get('/v1/me/sessions').set('authorization', bearer(issued.body.accessToken))).status).toBe(200);
  });
});
