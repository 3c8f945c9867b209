import { authenticator } from 'otplib';
import { createApiKey, createSystemAdmin, createTenantWithUsers, TEST_PASSWORD, TestTenantWithUsers, TestUser } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

/** The code an authenticator shows `steps` 30-second steps from now. */
const totp = (secret: string, steps = 0) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);
const RECOVERY_CODE = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;

describe('MFA (TOTP): enrolment, sign-in with a second factor, recovery codes, requireMfa', () => {
  let t: TestApp;
  let acme: TestTenantWithUsers;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenantWithUsers(t);
  });
  afterAll(() => t.close());

  const bearer = (token: string) => `Bearer ${token}`;
  const login = (tenant: { slug: string }, user: { email: string }) => t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email: user.email, password: TEST_PASSWORD });
  const mfaStep = (body: object) => t.http().post('/v1/auth/mfa').send(body);
  const mfaTokenOf = async (tenant: { slug: string }, user: { email: string }) => {
    const response = await login(tenant, user);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });
    return response.body.mfaToken as string;
  };

  /** Enrols the user's TOTP factor through HTTP; answers the secret and the recovery codes. */
  async function enrol(user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await t.http().post('/v1/me/mfa/totp').set('authorization', user.auth);
    expect(started.status).toBe(201);
    const confirmed = await t.http().post('/v1/me/mfa/totp/confirm').set('authorization', user.auth).send({ code: totp(started.body.secret) });
    expect(confirmed.status).toBe(200);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('enrols: a pending secret, confirmed by a code, answers 10 recovery codes stored only as hashes; the secret is encrypted', async () => {
    const user = acme.member;
    const started = await t.http().post('/v1/me/mfa/totp').set('authorization', user.auth);
    expect(started.status).toBe(201);
    expect(started.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUrl } = started.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toMatch(new RegExp(`^otpauth://totp/.*${encodeURIComponent(user.email)}\\?.*secret=${secret}`));
    // Pending: a sign-in still needs no code.
    expect((await login(acme, user)).body.accessToken).toEqual(expect.any(String));

    const wrong = await t.http().post('/v1/me/mfa/totp/confirm').set('authorization', user.auth).send({ code: totp(secret, 10) });
    expect(wrong.status).toBe(400);
    const malformed = await t.http().post('/v1/me/mfa/totp/confirm').set('authorization', user.auth).send({ code: '12ab56' });
    expect(malformed.status).toBe(400);
    const confirmed = await t.http().post('/v1/me/mfa/totp/confirm').set('authorization', user.auth).send({ code: totp(secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(RECOVERY_CODE);

    const stored = await t.owner`select code_hash, used_at from mfa_recovery_codes where tenant_id = ${acme.id} and user_id = ${user.id}`;
    expect(stored).toHaveLength(10);
    const hashes = stored.map((row) => String(row.code_hash));
    for (const code of codes) expect(hashes.some((hash) => hash.includes(code) || hash.includes(code.replace(/-/g, '')))).toBe(false);
    const secrets = await t.owner`select name, ciphertext from tenant_secrets where tenant_id = ${acme.id} and name like ${`mfa:${user.id}:%`}`;
    expect(secrets.map((row) => row.name)).toEqual([`mfa:${user.id}:totp`]);
    expect(String(secrets[0]!.ciphertext)).not.toContain(secret);
    const audit = await t.owner`select action, resource_id from audit_logs where tenant_id = ${acme.id} and action = 'user.mfa_enabled'`;
    expect(audit).toEqual([{ action: 'user.mfa_enabled', resource_id: user.id }]);
    // Nothing is pending any more.
    expect((await t.http().post('/v1/me/mfa/totp/confirm').set('authorization', user.auth).send({ code: totp(secret) })).status).toBe(409);
  });

  it('signs in with the second factor: the password gives only an mfa token, a code gives the pair, a code works once', async () => {
    const user = acme.admin;
    const { secret } = await enrol(user);
    const mfaToken = await mfaTokenOf(acme, user);
    expect((await mfaStep({ mfaToken, code: totp(secret, 5) })).status).toBe(401);
    // One code, computed once: computed again it could be the next step's, had a 30 s boundary passed meanwhile.
    const code = totp(secret, 1);
    const signedIn = await mfaStep({ mfaToken, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'Bearer', expiresIn: 900 });
    const me = await t.http().get('/v1/me').set('authorization', bearer(signedIn.body.accessToken));
    expect(me.body.user).toMatchObject({ id: user.id });
    // The same code (its time step) never works twice.
    const replay = await mfaStep({ mfaToken: await mfaTokenOf(acme, user), code });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toMatch(/already used/);
  });

  it('takes each recovery code once', async () => {
    const tenant = await createTenantWithUsers(t);
    const { recoveryCodes } = await enrol(tenant.viewer);
    const first = await mfaStep({ mfaToken: await mfaTokenOf(tenant, tenant.viewer), recoveryCode: recoveryCodes[3]!.toUpperCase() });
    expect(first.status).toBe(200);
    expect((await t.http().get('/v1/me').set('authorization', bearer(first.body.accessToken))).status).toBe(200);
    const reused = await mfaStep({ mfaToken: await mfaTokenOf(tenant, tenant.viewer), recoveryCode: recoveryCodes[3] });
    expect(reused.status).toBe(401);
    expect(reused.body.message).toMatch(/recovery code/);
    // Another user's recovery code is nobody else's.
    const { recoveryCodes: others } = await enrol(tenant.member);
    expect((await mfaStep({ mfaToken: await mfaTokenOf(tenant, tenant.viewer), recoveryCode: others[0] })).status).toBe(401);
    expect((await mfaStep({ mfaToken: await mfaTokenOf(tenant, tenant.viewer), recoveryCode: recoveryCodes[4] })).status).toBe(200);
    const used = await t.owner`select count(*)::int as n from mfa_recovery_codes where user_id = ${tenant.viewer.id} and used_at is not null`;
    expect(used[0]!.n).toBe(2);
    const failures = await t.owner`select count(*)::int as n from audit_logs where tenant_id = ${tenant.id} and action = 'auth.mfa_failed'`;
    expect(failures[0]!.n).toBe(2);
  });

  it('refuses the mfa token as an access token everywhere, and anything but an mfa token at the mfa step', async () => {
    const tenant = await createTenantWithUsers(t);
    await enrol(tenant.owner);
    const mfaToken = await mfaTokenOf(tenant, tenant.owner);
    for (const path of ['/v1/me', '/v1/projects', '/v1/me/sessions']) {
      expect((await t.http().get(path).set('authorization', bearer(mfaToken))).status).toBe(401);
    }
    expect((await t.http().get('/v1/admin/tenants').set('authorization', bearer(mfaToken))).status).toBe(401);
    expect([400, 401]).toContain((await t.http().post('/v1/auth/refresh').send({ refreshToken: mfaToken })).status);
    // An access token is no mfa token; neither is a forged or altered one.
    expect((await mfaStep({ mfaToken: tenant.member.token, code: '123456' })).status).toBe(401);
    const [header, payload, signature] = mfaToken.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    altered.sub = tenant.member.id;
    expect((await mfaStep({ mfaToken: `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`, code: '123456' })).status).toBe(401);
    expect((await mfaStep({ mfaToken, code: '123456', recoveryCode: 'abcd-efgh-jkmn-pqrs' })).status).toBe(400);
    expect((await mfaStep({ mfaToken })).status).toBe(400);
  });

  it('throttles wrong codes with 429 and Retry-After', async () => {
    const tenant = await createTenantWithUsers(t);
    const { secret } = await enrol(tenant.member);
    const mfaToken = await mfaTokenOf(tenant, tenant.member);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await mfaStep({ mfaToken, code: totp(secret, 20 + i) })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await mfaStep({ mfaToken, code: totp(secret, 1) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('turns MFA off with a current code; sign-in then needs none; its secrets are gone', async () => {
    const tenant = await createTenantWithUsers(t);
    const { secret } = await enrol(tenant.member);
    expect((await t.http().delete('/v1/me/mfa').set('authorization', tenant.member.auth).send({ code: totp(secret, 7) })).status).toBe(400);
    expect((await t.http().delete('/v1/me/mfa').set('authorization', tenant.member.auth).send({ code: totp(secret, 1) })).status).toBe(204);
    expect((await login(tenant, tenant.member)).body.accessToken).toEqual(expect.any(String));
    expect(await t.owner`select name from tenant_secrets where tenant_id = ${tenant.id} and name like 'mfa:%'`).toEqual([]);
    expect(await t.owner`select id from mfa_recovery_codes where tenant_id = ${tenant.id}`).toEqual([]);
    expect((await t.http().delete('/v1/me/mfa').set('authorization', tenant.member.auth).send({ code: totp(secret, 1) })).status).toBe(409);
    const audit = await t.owner`select action from audit_logs where tenant_id = ${tenant.id} and action like 'user.mfa_%' order by at`;
    expect(audit.map((row) => row.action)).toEqual(['user.mfa_enabled', 'user.mfa_disabled']);
  });

  it('requireMfa: refused (409) to a caller without MFA; then every member without MFA gets 403 until enrolled', async () => {
    const tenant = await createTenantWithUsers(t);
    const other = await createTenantWithUsers(t);
    const require = (user: TestUser) => t.http().patch('/v1/tenant/settings').set('authorization', user.auth).send({ security: { requireMfa: true } });
    const refused = await require(tenant.admin);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/Enrol MFA yourself/);
    const { secret } = await enrol(tenant.owner);
    const set = await require(tenant.owner);
    expect(set.status).toBe(200);
    expect(set.body.settings.security).toMatchObject({ requireMfa: true });
    expect((await t.http().patch('/v1/tenant/settings').set('authorization', tenant.owner.auth).send({ security: { requireMfa: 'yes' } })).status).toBe(400);

    // The setting reaches the guard through the config cache's invalidation, within moments.
    let blocked = await t.http().get('/v1/projects').set('authorization', tenant.member.auth);
    for (let i = 0; i < 200 && blocked.status !== 403; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      blocked = await t.http().get('/v1/projects').set('authorization', tenant.member.auth);
    }
    expect(blocked.status).toBe(403);
    expect(blocked.body.message).toMatch(/multi-factor authentication.*POST \/v1\/me\/mfa\/totp/);
    expect((await t.http().post('/v1/projects').set('authorization', tenant.member.auth).send({ name: 'x' })).status).toBe(403);
    expect((await t.http().get('/v1/users').set('authorization', tenant.admin.auth)).status).toBe(403);
    // Sign-in, /v1/me, the own account and enrolment stay open.
    const signedIn = await login(tenant, tenant.member);
    expect(signedIn.status).toBe(200);
    expect((await t.http().get('/v1/me').set('authorization', tenant.member.auth)).status).toBe(200);
    expect((await t.http().get('/v1/me/sessions').set('authorization', tenant.member.auth)).status).toBe(200);
    // The enrolled owner, API keys and other tenants are unaffected.
    expect((await t.http().get('/v1/projects').set('authorization', tenant.owner.auth)).status).toBe(200);
    const key = await createApiKey(t, tenant.owner, 'member');
    expect((await t.http().get('/v1/projects').set('authorization', key.auth)).status).toBe(200);
    expect((await t.http().get('/v1/projects').set('authorization', other.member.auth)).status).toBe(200);

    await enrol(tenant.member);
    expect((await t.http().get('/v1/projects').set('authorization', tenant.member.auth)).status).toBe(200);
    // While the tenant requires it, nobody turns it off.
    const off = await t.http().delete('/v1/me/mfa').set('authorization', tenant.owner.auth).send({ code: totp(secret, 1) });
    expect(off.status).toBe(409);
    expect(off.body.message).toMatch(/requires MFA/);
  });

  it('is for signed-in users: API keys have no factor, an impersonation may not change it', async () => {
    const tenant = await createTenantWithUsers(t);
    const key = await createApiKey(t, tenant.owner, 'owner');
    expect((await t.http().post('/v1/me/mfa/totp').set('authorization', key.auth)).status).toBe(403);
    const admin = await createSystemAdmin(t);
    const issued = await t.http().post(`/v1/admin/tenants/${tenant.id}/impersonate`).set('authorization', admin.auth).send({ userId: tenant.member.id, reason: 'support ticket 2' });
    const impersonated = await t.http().post('/v1/me/mfa/totp').set('authorization', bearer(issued.body.accessToken));
    expect(impersonated.status).toBe(403);
    expect(impersonated.body.message).toMatch(/impersonat/);
  });

  it("removing a user deletes its MFA secrets and codes", async () => {
    const tenant = await createTenantWithUsers(t);
    await enrol(tenant.viewer);
    expect((await t.http().delete(`/v1/users/${tenant.viewer.id}`).set('authorization', tenant.owner.auth)).status).toBe(204);
    expect(await t.owner`select name from tenant_secrets where tenant_id = ${tenant.id} and name like 'mfa:%'`).toEqual([]);
    expect(await t.owner`select id from mfa_recovery_codes where tenant_id = ${tenant.id}`).toEqual([]);
    expect(await t.owner`select id from user_mfa where tenant_id = ${tenant.id}`).toEqual([]);
  });
});
