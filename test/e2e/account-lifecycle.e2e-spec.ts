import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { createSystemAdmin, createTenantWithUsers, randomSlug, TEST_PASSWORD } from '../factories';
import { linkIn, ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

const email = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NEW_PASSWORD = 'a brand new password';

/**
 * The account lifecycle end to end, as a newcomer meets it: HTTP in, real mail out through the
 * worker and nodemailer to a real SMTP server in this process, links followed from the mails.
 */
describe('account lifecycle', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let worker: TestingModule;
  const saved = { ...process.env };

  beforeAll(async () => {
    await sink.start();
    Object.assign(process.env, { SMTP_URL: sink.url, SMTP_TIMEOUT_MS: '2000', MAIL_RETRY_DELAY_MS: '200', APP_URL: 'https://app.example.test' });
    t = await createTestApp();
    worker = await createTestWorker();
  });

  afterAll(async () => {
    process.env = saved;
    await worker?.close();
    await t?.close();
    await sink.stop();
  });

  const http = () => t.http();
  const oneMail = async (to: string): Promise<ReceivedMail> => (await sink.waitFor(to))[0]!;

  describe('signup and email verification', () => {
    it('signup → verification mail → login refused until verified → verify → login', async () => {
      const slug = randomSlug('signup');
      const owner = email('founder');
      const created = await http().post('/v1/signup').send({ tenantName: 'Rocket Co', slug, email: owner, password: TEST_PASSWORD });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ tenant: { id: expect.any(String), slug, name: 'Rocket Co' }, user: { id: expect.any(String), email: owner } });

      const refused = await http().post('/v1/auth/login').send({ tenant: slug, email: owner, password: TEST_PASSWORD });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/email verification/i);

      const mail = await oneMail(owner);
      expect(mail.parsed.subject).toBe('Verify your email address for Rocket Co');
      expect(mail.parsed.html).toContain('Rocket Co');
      const { url, token } = linkIn(mail);
      expect(`${url.origin}${url.pathname}`).toBe('https://app.example.test/console/verify-email');
      const verified = await http().post('/v1/auth/verify-email').send({ token });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ email: owner, emailVerifiedAt: expect.any(String) });
      expect((await http().post('/v1/auth/verify-email').send({ token })).status).toBe(410);

      const login = await http().post('/v1/auth/login').send({ tenant: slug, email: owner, password: TEST_PASSWORD });
      expect(login.status).toBe(200);
      const me = await http().get('/v1/me').set('authorization', `Bearer ${login.body.accessToken}`);
      expect(me.body).toMatchObject({ user: { email: owner, role: 'owner' }, tenant: { slug, plan: 'free' } });
      const [audit] = await t.owner`select actor_type, actor_id from audit_logs where tenant_id = ${created.body.tenant.id} and action = 'tenant.signed_up'`;
      expect(audit).toEqual({ actor_type: 'user', actor_id: created.body.user.id });
    });

    it('a taken slug is 409 and leaves nothing behind', async () => {
      const { slug } = await createTenantWithUsers(t);
      const owner = email('late');
      const response = await http().post('/v1/signup').send({ tenantName: 'Late', slug, email: owner, password: TEST_PASSWORD });
      expect(response.status).toBe(409);
      expect(await t.owner`select 1 from users where email = ${owner}`).toHaveLength(0);
      expect(await t.owner`select 1 from mail_outbox where to_address = ${owner}`).toHaveLength(0);
    });

    it('refuses bad input with 400 naming the fields', async () => {
      const response = await http().post('/v1/signup').send({ tenantName: '', slug: 'Not A Slug', email: 'nope', password: 'short' });
      expect(response.status).toBe(400);
      expect(response.body.message.join(' ')).toMatch(/tenantName/);
      expect(response.body.message.join(' ')).toMatch(/slug/);
      expect(response.body.message.join(' ')).toMatch(/email/);
      expect(response.body.message.join(' ')).toMatch(/password/);
    });

    it('resend answers 202 for any address, and mails only an unverified owner, with a new link that replaces the old', async () => {
      const slug = randomSlug('resend');
      const owner = email('slow');
      await http().post('/v1/signup').send({ tenantName: 'Slow', slug, email: owner, password: TEST_PASSWORD }).expect(201);
      const first = linkIn(await oneMail(owner)).token;
      const stranger = email('stranger');
      expect((await http().post('/v1/auth/verify-email/resend').send({ tenant: slug, email: stranger })).status).toBe(202);
      expect((await http().post('/v1/auth/verify-email/resend').send({ tenant: 'no-such-tenant', email: stranger })).status).toBe(202);
      const again = await http().post('/v1/auth/verify-email/resend').send({ tenant: slug, email: owner });
      expect(again.status).toBe(202);
      const mails = await sink.waitFor(owner, 2);
      const second = linkIn(mails[1]!).token;
      expect(second).not.toBe(first);
      expect((await http().post('/v1/auth/verify-email').send({ token: first })).status).toBe(410);
      expect((await http().post('/v1/auth/verify-email').send({ token: second })).status).toBe(200);
      // Verified: nothing more is sent.
      await http().post('/v1/auth/verify-email/resend').send({ tenant: slug, email: owner }).expect(202);
      await sleep(800);
      expect(sink.to(owner)).toHaveLength(2);
      expect(sink.to(stranger)).toHaveLength(0);
    });

    it('throttles mail per address', async () => {
      const slug = randomSlug('throttle');
      const target = email('target');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) statuses.push((await http().post('/v1/auth/verify-email/resend').send({ tenant: slug, email: target })).status);
      expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
      expect(statuses.slice(5)).toEqual([429, 429]);
    });

    it('refuses tokens of another purpose, of another tenant and malformed ones', async () => {
      const a = await createTenantWithUsers(t);
      const b = await createTenantWithUsers(t);
      await http().post('/v1/auth/password-reset').send({ tenant: a.slug, email: a.member.email }).expect(202);
      const resetToken = linkIn(await oneMail(a.member.email)).token;
      expect((await http().post('/v1/auth/verify-email').send({ token: resetToken })).status).toBe(404);
      const otherTenant = resetToken.replace(a.id, b.id);
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token: otherTenant, password: NEW_PASSWORD })).status).toBe(404);
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token: 'pr_garbage', password: NEW_PASSWORD })).status).toBe(404);
      // The genuine one still works.
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token: resetToken, password: NEW_PASSWORD })).status).toBe(204);
    });
  });

  describe('invitations', () => {
    it('invite → mail → accept page → accept → signed in with the invited role and a verified address', async () => {
      const tenant = await createTenantWithUsers(t);
      await t.owner`update tenants set settings = ${t.owner.json({ branding: { displayName: 'Acme Brand', primaryColor: '#0055aa' } })} where id = ${tenant.id}`;
      const invitee = email('grace');
      const created = await http().post('/v1/invitations').set('authorization', tenant.admin.auth).send({ email: invitee, role: 'member' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), email: invitee, role: 'member', status: 'pending' });
      const days = (new Date(created.body.expiresAt).getTime() - Date.now()) / 86400000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);

      const mail = await oneMail(invitee);
      expect(mail.parsed.subject).toBe('You are invited to Acme Brand');
      expect(mail.parsed.html).toContain('#0055aa');
      const { url, token } = linkIn(mail);
      expect(`${url.origin}${url.pathname}`).toBe('https://app.example.test/console/accept-invitation');

      const preview = await http().get(`/v1/auth/invitations/${encodeURIComponent(token)}`);
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({ tenant: { slug: tenant.slug, name: 'Test tenant' }, email: invitee, role: 'member', expiresAt: created.body.expiresAt });

      const accepted = await http().post('/v1/auth/invitations/accept').send({ token, password: NEW_PASSWORD });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer' });
      const me = await http().get('/v1/me').set('authorization', `Bearer ${accepted.body.accessToken}`);
      expect(me.body.user).toMatchObject({ email: invitee, role: 'member' });
      const login = await http().post('/v1/auth/login').send({ tenant: tenant.slug, email: invitee, password: NEW_PASSWORD });
      expect(login.status).toBe(200);

      // Used: refused, and the listing says accepted.
      expect((await http().post('/v1/auth/invitations/accept').send({ token, password: NEW_PASSWORD })).status).toBe(410);
      expect((await http().get(`/v1/auth/invitations/${encodeURIComponent(token)}`)).status).toBe(410);
      const listed = await http().get('/v1/invitations?status=accepted').set('authorization', tenant.owner.auth);
      expect(listed.body.data.map((row: { email: string }) => row.email)).toEqual([invitee]);
      const events = await t.owner<{ type: string }[]>`select type from events where tenant_id = ${tenant.id} and type in ('invitation.accepted', 'user.created')`;
      expect(events.map((e) => e.type).sort()).toEqual(['invitation.accepted', 'user.created']);
      const audits = await t.owner<{ action: string }[]>`select action from audit_logs where tenant_id = ${tenant.id} and action in ('user.invited', 'invitation.accepted') order by at`;
      expect(audits.map((a) => a.action)).toEqual(['user.invited', 'invitation.accepted']);
      const [row] = await t.owner`select token_hash from invitations where id = ${created.body.id}`;
      expect(row!.token_hash).not.toContain(token.split('.')[1]);
    });

    it('an invitation role is at most the inviter\'s, and 409 for an existing user or pending invitation', async () => {
      const tenant = await createTenantWithUsers(t);
      const asAdmin = (body: object) => http().post('/v1/invitations').set('authorization', tenant.admin.auth).send(body);
      expect((await asAdmin({ email: email('boss'), role: 'owner' })).status).toBe(403);
      expect((await asAdmin({ email: tenant.member.email, role: 'member' })).status).toBe(409);
      const address = email('twice');
      expect((await asAdmin({ email: address, role: 'viewer' })).status).toBe(201);
      expect((await asAdmin({ email: address, role: 'viewer' })).status).toBe(409);
      expect((await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: email('co-owner'), role: 'owner' })).status).toBe(201);
    });

    it('revoked, expired and resent-away tokens are refused; the new one works', async () => {
      const tenant = await createTenantWithUsers(t);
      const invite = async (address: string) => (await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: address, role: 'viewer' })).body;

      const revokedAddress = email('revoked');
      const revoked = await invite(revokedAddress);
      const revokedToken = linkIn(await oneMail(revokedAddress)).token;
      expect((await http().delete(`/v1/invitations/${revoked.id}`).set('authorization', tenant.owner.auth)).status).toBe(204);
      expect((await http().post('/v1/auth/invitations/accept').send({ token: revokedToken, password: NEW_PASSWORD })).status).toBe(410);

      const expiredAddress = email('expired');
      const expired = await invite(expiredAddress);
      const expiredToken = linkIn(await oneMail(expiredAddress)).token;
      await t.owner`update invitations set expires_at = now() - interval '1 second' where id = ${expired.id}`;
      expect((await http().post('/v1/auth/invitations/accept').send({ token: expiredToken, password: NEW_PASSWORD })).status).toBe(410);
      const listedExpired = await http().get('/v1/invitations?status=expired').set('authorization', tenant.owner.auth);
      expect(listedExpired.body.data.map((row: { id: string; status: string }) => [row.id, row.status])).toEqual([[expired.id, 'expired']]);

      const resentAddress = email('resent');
      const resent = await invite(resentAddress);
      const oldToken = linkIn(await oneMail(resentAddress)).token;
      const again = await http().post(`/v1/invitations/${resent.id}/resend`).set('authorization', tenant.owner.auth);
      expect(again.status).toBe(202);
      const newToken = linkIn((await sink.waitFor(resentAddress, 2))[1]!).token;
      expect(newToken).not.toBe(oldToken);
      expect((await http().post('/v1/auth/invitations/accept').send({ token: oldToken, password: NEW_PASSWORD })).status).toBe(404);
      // Another tenant's id in the token: not found in that tenant.
      const other = await createTenantWithUsers(t);
      expect((await http().post('/v1/auth/invitations/accept').send({ token: newToken.replace(tenant.id, other.id), password: NEW_PASSWORD })).status).toBe(404);
      expect((await http().post('/v1/auth/invitations/accept').send({ token: newToken, password: NEW_PASSWORD })).status).toBe(200);

      const pending = await http().get('/v1/invitations?status=pending').set('authorization', tenant.owner.auth);
      expect(pending.body.data).toEqual([]);
      const all = await http().get('/v1/invitations').set('authorization', tenant.owner.auth);
      expect(all.body.data.map((row: { status: string }) => row.status).sort()).toEqual(['accepted', 'expired', 'revoked']);
    });

    it('a pending invitation holds a seat', async () => {
      const tenant = await createTenantWithUsers(t);
      // Four users; a limit of five leaves one seat.
      await t.owner`update tenants set config = ${t.owner.json({ limits: { seats: 5 } })} where id = ${tenant.id}`;
      await t.app.get((await import('@tenantry/plans')).TenantConfigEvents).publishChanged(tenant.id);
      expect((await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: email('seat'), role: 'viewer' })).status).toBe(201);
      const full = await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: email('no-seat'), role: 'viewer' });
      expect(full.status).toBe(403);
      expect(full.body.message).toMatch(/quota_exceeded/);
      expect((await http().post('/v1/users').set('authorization', tenant.owner.auth).send({ email: email('no-seat'), role: 'viewer', password: NEW_PASSWORD })).status).toBe(403);
      const quotas = await http().get('/v1/quotas').set('authorization', tenant.owner.auth);
      expect(quotas.body.find((q: { metric: string }) => q.metric === 'seats')).toMatchObject({ used: 5, limit: 5 });
    });

    it('POST /v1/users without a password sends an invitation that sets that user\'s password', async () => {
      const tenant = await createTenantWithUsers(t);
      const address = email('invited');
      const created = await http().post('/v1/users').set('authorization', tenant.owner.auth).send({ email: address, role: 'admin' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email: address, role: 'admin', isInvited: true });
      const token = linkIn(await oneMail(address)).token;
      const accepted = await http().post('/v1/auth/invitations/accept').send({ token, password: NEW_PASSWORD });
      expect(accepted.status).toBe(200);
      const me = await http().get('/v1/me').set('authorization', `Bearer ${accepted.body.accessToken}`);
      expect(me.body.user).toEqual({ id: created.body.id, email: address, role: 'admin' });
      const users = await http().get('/v1/users').set('authorization', tenant.owner.auth);
      expect(users.body.data.find((u: { id: string }) => u.id === created.body.id)).toMatchObject({ isInvited: false });
    });

    it('provisioning without an admin password mails the first owner an invitation', async () => {
      const admin = await createSystemAdmin(t);
      const slug = randomSlug('prov');
      const owner = email('owner');
      const response = await http().post('/v1/admin/tenants').set('authorization', admin.auth).send({ slug, name: 'Provisioned', admin: { email: owner } });
      expect(response.status).toBe(201);
      expect(response.body.admin.temporaryPassword).toBeUndefined();
      const token = linkIn(await oneMail(owner)).token;
      expect((await http().get(`/v1/auth/invitations/${encodeURIComponent(token)}`)).body).toMatchObject({ tenant: { slug }, email: owner, role: 'owner' });
      expect((await http().post('/v1/auth/invitations/accept').send({ token, password: NEW_PASSWORD })).status).toBe(200);
      expect((await http().post('/v1/auth/login').send({ tenant: slug, email: owner, password: NEW_PASSWORD })).status).toBe(200);
    });

    it('an invitation whose transaction rolls back sends no mail', async () => {
      const tenant = await createTenantWithUsers(t);
      const doomed = email('doomed');
      // A deferred check fails at COMMIT, after the outbox row was written in the same transaction.
      await t.owner.unsafe(`
        create or replace function test_refuse_doomed() returns trigger language plpgsql as $$
        begin if new.email like 'doomed-%' then raise exception 'refused at commit' using errcode = '23514'; end if; return new; end $$;
        drop trigger if exists test_refuse_doomed on invitations;
        create constraint trigger test_refuse_doomed after insert on invitations deferrable initially deferred for each row execute function test_refuse_doomed();`);
      try {
        const response = await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: doomed, role: 'viewer' });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      } finally {
        await t.owner.unsafe('drop trigger if exists test_refuse_doomed on invitations; drop function if exists test_refuse_doomed();');
      }
      const witness = email('witness');
      await http().post('/v1/invitations').set('authorization', tenant.owner.auth).send({ email: witness, role: 'viewer' }).expect(201);
      await oneMail(witness);
      await sleep(1000);
      expect(sink.to(doomed)).toHaveLength(0);
      expect(await t.owner`select 1 from mail_outbox where to_address = ${doomed}`).toHaveLength(0);
      expect(await t.owner`select 1 from invitations where email = ${doomed}`).toHaveLength(0);
    });
  });

  describe('password reset', () => {
    it('an unknown address answers like a known one, in similar time, and sends nothing', async () => {
      const tenant = await createTenantWithUsers(t);
      const ghost = email('ghost');
      const timed = async (address: string) => {
        const started = Date.now();
        const response = await http().post('/v1/auth/password-reset').send({ tenant: tenant.slug, email: address });
        return { status: response.status, body: response.body, ms: Date.now() - started };
      };
      const unknown = await timed(ghost);
      const known = await timed(tenant.viewer.email);
      expect(unknown.status).toBe(202);
      expect(known.status).toBe(202);
      expect(unknown.body).toEqual(known.body);
      expect(unknown.ms).toBeGreaterThanOrEqual(240);
      expect(known.ms).toBeGreaterThanOrEqual(240);
      expect(Math.abs(unknown.ms - known.ms)).toBeLessThan(300);
      await oneMail(tenant.viewer.email);
      await sleep(800);
      expect(sink.to(ghost)).toHaveLength(0);
    });

    it('reset → mail → confirm revokes every refresh token; the link works once; the new password signs in', async () => {
      const tenant = await createTenantWithUsers(t);
      const session = (await http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.member.email, password: TEST_PASSWORD })).body;
      await http().post('/v1/auth/password-reset').send({ tenant: tenant.slug, email: tenant.member.email }).expect(202);
      const mail = await oneMail(tenant.member.email);
      expect(mail.parsed.subject).toBe('Reset your Test tenant password');
      const { url, token } = linkIn(mail);
      expect(`${url.origin}${url.pathname}`).toBe('https://app.example.test/console/reset-password');
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token, password: 'short' })).status).toBe(400);
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD })).status).toBe(204);
      expect((await http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
      expect((await http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.member.email, password: TEST_PASSWORD })).status).toBe(401);
      expect((await http().post('/v1/auth/login').send({ tenant: tenant.slug, email: tenant.member.email, password: NEW_PASSWORD })).status).toBe(200);
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token, password: 'yet another password' })).status).toBe(410);
      const [audit] = await t.owner`select actor_id from audit_logs where tenant_id = ${tenant.id} and action = 'user.password_reset'`;
      expect(audit).toEqual({ actor_id: tenant.member.id });
    });

    it('a reset link expires after 30 minutes', async () => {
      const tenant = await createTenantWithUsers(t);
      await http().post('/v1/auth/password-reset').send({ tenant: tenant.slug, email: tenant.admin.email }).expect(202);
      const token = linkIn(await oneMail(tenant.admin.email)).token;
      const [row] = await t.owner<{ minutes: number }[]>`
        select round(extract(epoch from expires_at - created_at) / 60)::int as minutes from account_tokens where tenant_id = ${tenant.id} and purpose = 'password_reset'`;
      expect(row!.minutes).toBe(30);
      await t.owner`update account_tokens set expires_at = now() - interval '1 second' where tenant_id = ${tenant.id}`;
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD })).status).toBe(410);
    });

    it('system admins reset theirs under /v1/admin/auth', async () => {
      const admin = await createSystemAdmin(t);
      const session = (await http().post('/v1/admin/auth/login').send({ email: admin.email, password: TEST_PASSWORD })).body;
      expect((await http().post('/v1/admin/auth/password-reset').send({ email: email('nobody') })).status).toBe(202);
      expect((await http().post('/v1/admin/auth/password-reset').send({ email: admin.email })).status).toBe(202);
      const { url, token } = linkIn(await oneMail(admin.email));
      expect(url.pathname).toBe('/console/admin/reset-password');
      // A tenant reset link's route does not take an admin token, and the other way round.
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD })).status).toBe(404);
      expect((await http().post('/v1/admin/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD })).status).toBe(204);
      expect((await http().post('/v1/admin/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
      expect((await http().post('/v1/admin/auth/login').send({ email: admin.email, password: NEW_PASSWORD })).status).toBe(200);
      expect((await http().post('/v1/admin/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD })).status).toBe(410);
    });
  });
});
