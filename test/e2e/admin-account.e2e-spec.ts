import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import postgres from 'postgres';
import { adminSecretContext, LocalMasterKeyRing, rewrapAdminSecrets } from '@tenantry/secrets';
import { createSystemAdmin, TEST_PASSWORD } from '../factories';
import { createTestApp, TestApp } from '../support/test-app';

const totp = (secret: string, steps = 0) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);
const NEW_PASSWORD = 'operator-passphrase-2026';

/** System admins with SYSTEM_ADMIN_REQUIRE_MFA=true: enrolment, sign-in with a code, password change. */
describe('system admins: MFA (required) and password change', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SYSTEM_ADMIN_REQUIRE_MFA: 'true' });
  });
  afterAll(() => t.close());

  const bearer = (token: string) => `Bearer ${token}`;
  const login = (email: string, password = TEST_PASSWORD) => t.http().post('/v1/admin/auth/login').send({ email, password });
  const mfaStep = (body: object) => t.http().post('/v1/admin/auth/mfa').send(body);

  async function enrol(auth: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await t.http().post('/v1/admin/me/mfa/totp').set('authorization', auth);
    expect(started.status).toBe(201);
    const confirmed = await t.http().post('/v1/admin/me/mfa/totp/confirm').set('authorization', auth).send({ code: totp(started.body.secret) });
    expect(confirmed.status).toBe(200);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('refuses an admin without MFA everywhere but its own account (403 naming enrolment), until enrolled', async () => {
    const admin = await createSystemAdmin(t);
    const refused = await t.http().get('/v1/admin/tenants').set('authorization', admin.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/SYSTEM_ADMIN_REQUIRE_MFA.*POST \/v1\/admin\/me\/mfa\/totp/);
    const { secret } = await enrol(admin.auth);
    expect((await t.http().get('/v1/admin/tenants').set('authorization', admin.auth)).status).toBe(200);
    // The secret is stored wrapped by the master key ring, never in the clear.
    const [row] = await t.owner`select secret_ciphertext, secret_key_version, pending_ciphertext from admin_mfa where admin_id = ${admin.id}`;
    expect(String(row!.secret_ciphertext)).not.toContain(secret);
    expect(row!.secret_key_version).toMatch(/^v[0-9]+$/);
    expect(row!.pending_ciphertext).toBeNull();
    const audit = await t.owner`select action, details from system_audit_logs where action = 'system_admin.mfa_enabled' and details->>'adminId' = ${admin.id}`;
    expect(audit).toHaveLength(1);
    // While it is required, nobody turns it off.
    const off = await t.http().delete('/v1/admin/me/mfa').set('authorization', admin.auth).send({ code: totp(secret, 1) });
    expect(off.status).toBe(409);
  });

  it('signs in with a code or a recovery code (once each); the mfa token is no access token', async () => {
    const admin = await createSystemAdmin(t);
    const { secret, recoveryCodes } = await enrol(admin.auth);
    const first = await login(admin.email);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });
    expect((await t.http().get('/v1/admin/tenants').set('authorization', bearer(first.body.mfaToken))).status).toBe(401);
    expect((await mfaStep({ mfaToken: first.body.mfaToken, code: totp(secret, 6) })).status).toBe(401);
    // One code, computed once: computed again it could be the next step's, had a 30 s boundary passed meanwhile.
    const code = totp(secret, 1);
    const signedIn = await mfaStep({ mfaToken: first.body.mfaToken, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.refreshToken).toMatch(/^art_/);
    expect((await t.http().get('/v1/admin/tenants').set('authorization', bearer(signedIn.body.accessToken))).status).toBe(200);
    expect((await mfaStep({ mfaToken: (await login(admin.email)).body.mfaToken, code })).status).toBe(401);
    const recovered = await mfaStep({ mfaToken: (await login(admin.email)).body.mfaToken, recoveryCode: recoveryCodes[0] });
    expect(recovered.status).toBe(200);
    expect((await mfaStep({ mfaToken: (await login(admin.email)).body.mfaToken, recoveryCode: recoveryCodes[0] })).status).toBe(401);
    // The tenant users' mfa step takes no system admin's mfa token.
    expect((await t.http().post('/v1/auth/mfa').send({ mfaToken: (await login(admin.email)).body.mfaToken, recoveryCode: recoveryCodes[1] })).status).toBe(401);
  });

  it('changes the password: other sessions are signed out, the caller continues', async () => {
    const admin = await createSystemAdmin(t);
    const { secret, recoveryCodes } = await enrol(admin.auth);
    const current = (await mfaStep({ mfaToken: (await login(admin.email)).body.mfaToken, code: totp(secret, 1) })).body;
    const other = (await mfaStep({ mfaToken: (await login(admin.email)).body.mfaToken, recoveryCode: recoveryCodes[0] })).body;
    expect(other.accessToken).toEqual(expect.any(String));
    const wrong = await t.http().post('/v1/admin/me/password').set('authorization', bearer(current.accessToken)).send({ currentPassword: 'nope-nope-nope', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    const changed = await t.http().post('/v1/admin/me/password').set('authorization', bearer(current.accessToken)).send({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(204);
    expect((await t.http().get('/v1/admin/tenants').set('authorization', bearer(current.accessToken))).status).toBe(200);
    expect((await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: current.refreshToken })).status).toBe(200);
    expect((await t.http().get('/v1/admin/tenants').set('authorization', bearer(other.accessToken))).status).toBe(401);
    expect((await t.http().post('/v1/admin/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(401);
    expect((await login(admin.email)).status).toBe(401);
    expect((await login(admin.email, NEW_PASSWORD)).status).toBe(200);
    const audit = await t.owner`select details from system_audit_logs where action = 'system_admin.password_changed' and details->>'adminId' = ${admin.id}`;
    expect(audit).toEqual([{ details: { adminId: admin.id, revokedSessions: 1 } }]);
  });

  it('rewraps the admins\' secrets with a new master key (keys:rotate), values intact', async () => {
    const admin = await createSystemAdmin(t);
    const { secret } = await enrol(admin.auth);
    const v2 = `v2:${randomBytes(32).toString('base64')}`;
    const system = postgres(process.env.SYSTEM_DATABASE_URL!, { max: 1, onnotice: () => undefined });
    try {
      const result = await rewrapAdminSecrets(system, new LocalMasterKeyRing(`${v2},${process.env.MASTER_KEYS!}`));
      expect(result.failed).toEqual([]);
      expect(result.rewrapped).toBeGreaterThanOrEqual(1);
    } finally {
      await system.end({ timeout: 5 });
    }
    const [row] = await t.owner<{ secret_ciphertext: string; secret_key_version: string }[]>`select secret_ciphertext, secret_key_version from admin_mfa where admin_id = ${admin.id}`;
    expect(row!.secret_key_version).toBe('v2');
    const unwrapped = await new LocalMasterKeyRing(v2).unwrap({ wrappedKey: row!.secret_ciphertext, masterKeyVersion: 'v2' }, adminSecretContext(admin.id));
    expect(unwrapped.toString('utf8')).toBe(secret);
    // Bound to its admin: under another admin's context it does not unwrap.
    await expect(new LocalMasterKeyRing(v2).unwrap({ wrappedKey: row!.secret_ciphertext, masterKeyVersion: 'v2' }, adminSecretContext(randomBytes(16).toString('hex')))).rejects.toThrow();
  });

  it('is for system admins only', async () => {
    const admin = await createSystemAdmin(t);
    expect((await t.http().post('/v1/me/mfa/totp').set('authorization', admin.auth)).status).toBe(403);
  });
});
