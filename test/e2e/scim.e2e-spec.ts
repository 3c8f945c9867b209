import { randomBytes } from 'node:crypto';
import { sha256 } from '@tenantry/auth';
import { createTenant, createTenantWithUsers, createUser, login, TestTenantWithUsers } from '../factories';
import { startDnsServer, TestDnsServer } from '../support/dns-server';
import { createSamlIdp, encodeResponse, TestSamlIdp } from '../support/saml-idp';
import { createTestApp, TestApp } from '../support/test-app';

const PUBLIC_URL = 'http://api.tenantry.test';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * SCIM 2.0 provisioning by a tenant's directory with its bearer token, against the real app:
 * tokens (shown once, hashed, revocable, owner/admin only), the Users resource, discovery, SCIM
 * error bodies, seats, tenant isolation, and deactivation that holds against every way in.
 */
describe('SCIM 2.0 provisioning', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let idp: TestSamlIdp;
  let a: TestTenantWithUsers;
  let b: TestTenantWithUsers;
  let tokenA: string;
  let tokenB: string;

  beforeAll(async () => {
    [dns, idp] = await Promise.all([startDnsServer(), createSamlIdp()]);
    t = await createTestApp({ PUBLIC_URL, DNS_SERVERS: dns.address });
    [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    tokenA = (await createToken(a.admin.auth)).body.token;
    tokenB = (await createToken(b.admin.auth)).body.token;
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  const createToken = (auth: string, name = 'Directory') => t.http().post('/v1/tenant/scim/tokens').set('authorization', auth).send({ name });
  const scim = (token: string) => ({
    get: (path: string) => t.http().get(`/scim/v2${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object) => t.http().post(`/scim/v2${path}`).set('authorization', `Bearer ${token}`).set('content-type', 'application/scim+json').send(JSON.stringify(body)),
    put: (path: string, body: object) => t.http().put(`/scim/v2${path}`).set('authorization', `Bearer ${token}`).set('content-type', 'application/scim+json').send(JSON.stringify(body)),
    patch: (path: string, body: object) => t.http().patch(`/scim/v2${path}`).set('authorization', `Bearer ${token}`).set('content-type', 'application/scim+json').send(JSON.stringify(body)),
    delete: (path: string) => t.http().delete(`/scim/v2${path}`).set('authorization', `Bearer ${token}`),
  });
  const fresh = (domain = 'scim.test') => `u-${randomBytes(4).toString('hex')}@${domain}`;
  const provision = (token: string, userName: string, extra: object = {}) =>
    scim(token).post('/Users', { schemas: [USER], userName, name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: userName, primary: true }], externalId: 'x-1', ...extra });
  const deactivate = (token: string, id: string) => scim(token).patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
  const parse = (response: { text: string }) => JSON.parse(response.text);

  it('issues a token once (stored hashed), lists and revokes it; owners and admins only', async () => {
    const created = await createToken(a.owner.auth, 'Okta');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'Okta', token: expect.stringMatching(/^scim_[A-Za-z0-9_-]{43}$/), prefix: created.body.token.slice(0, 12) });
    expect(created.headers['cache-control']).toBe('no-store');
    const [row] = await t.owner`select token_hash from scim_tokens where id = ${created.body.id}`;
    expect(row!.token_hash).not.toContain(created.body.token);
    const list = await t.http().get('/v1/tenant/scim/tokens').set('authorization', a.admin.auth);
    expect(list.body.data.map((token: { id: string }) => token.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    const [audit] = await t.owner`select changes from audit_logs where tenant_id = ${a.id} and action = 'scim.token_created' and resource_id = ${created.body.id}`;
    expect(JSON.stringify(audit!.changes)).not.toContain(created.body.token);

    expect((await scim(created.body.token).get('/ServiceProviderConfig')).status).toBe(200);
    expect((await t.http().delete(`/v1/tenant/scim/tokens/${created.body.id}`).set('authorization', a.admin.auth)).status).toBe(204);
    // Revoked: refused on its very next request.
    const refused = await scim(created.body.token).get('/Users');
    expect(refused.status).toBe(401);
    expect(parse(refused)).toEqual({ schemas: [ERROR], status: '401', detail: 'A valid SCIM bearer token is required' });

    for (const user of [a.member, a.viewer]) {
      expect((await createToken(user.auth)).status).toBe(403);
      expect((await t.http().get('/v1/tenant/scim/tokens').set('authorization', user.auth)).status).toBe(403);
      expect((await t.http().delete(`/v1/tenant/scim/tokens/${created.body.id}`).set('authorization', user.auth)).status).toBe(403);
    }
    // Another tenant's token id is 404 and stays as it was.
    const theirs = await createToken(b.admin.auth);
    expect((await t.http().delete(`/v1/tenant/scim/tokens/${theirs.body.id}`).set('authorization', a.owner.auth)).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'SCIM token not found' });
    expect((await t.http().get('/v1/tenant/scim/tokens?limit=100').set('authorization', a.owner.auth)).text).not.toContain(theirs.body.id);
    expect((await scim(theirs.body.token).get('/Users')).status).toBe(200);
    // A plan without sso has no SCIM.
    const free = await createTenant(t, { plan: 'free' });
    expect((await createToken((await createUser(t, free, 'owner')).auth)).status).toBe(403);
  });

  it('takes only SCIM tokens on /scim/v2, and SCIM tokens nowhere else', async () => {
    for (const authorization of [a.owner.auth, `Bearer ${'sk_'.padEnd(46, 'x')}`, 'Bearer scim_nope', undefined]) {
      const request = t.http().get('/scim/v2/Users');
      const response = await (authorization ? request.set('authorization', authorization) : request);
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
    }
    expect((await t.http().get('/v1/me').set('authorization', `Bearer ${tokenA}`)).status).toBe(401);
    expect((await t.http().get('/v1/users').set('authorization', `Bearer ${tokenA}`)).status).toBe(401);
  });

  it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const config = await scim(tokenA).get('/ServiceProviderConfig');
    expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(parse(config)).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 100 }, bulk: { supported: false }, authenticationSchemes: [{ type: 'oauthbearertoken' }] });
    expect(parse(await scim(tokenA).get('/ResourceTypes')).Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER })]);
    const schemas = parse(await scim(tokenA).get('/Schemas'));
    expect(schemas.Resources[0]).toMatchObject({ id: USER });
    expect(schemas.Resources[0].attributes.map((attribute: { name: string }) => attribute.name)).toEqual(['userName', 'active', 'emails']);
  });

  it('creates, finds by filter, gets, replaces, patches and deletes users, audited as the token', async () => {
    const userName = fresh();
    const created = await provision(tokenA, userName.toUpperCase());
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const user = parse(created);
    expect(user).toEqual({
      schemas: [USER],
      id: expect.any(String),
      userName,
      active: true,
      emails: [{ value: userName, type: 'work', primary: true }],
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: `${PUBLIC_URL}/scim/v2/Users/${user.id}` },
    });
    const [row] = await t.owner`select role, status, password_hash from users where id = ${user.id}`;
    expect(row).toEqual({ role: 'member', status: 'active', password_hash: null });

    const found = parse(await scim(tokenA).get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
    expect(found).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: user.id }] });
    expect(parse(await scim(tokenA).get(`/Users?filter=${encodeURIComponent('userName eq "nobody@scim.test"')}`)).totalResults).toBe(0);
    const page = parse(await scim(tokenA).get('/Users?startIndex=2&count=2'));
    expect(page).toMatchObject({ startIndex: 2, itemsPerPage: 2 });
    expect(page.totalResults).toBeGreaterThanOrEqual(5);
    expect(parse(await scim(tokenA).get(`/Users/${user.id}`)).userName).toBe(userName);

    const duplicate = await provision(tokenA, userName);
    expect(duplicate.status).toBe(409);
    expect(parse(duplicate)).toEqual({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: `A user with userName ${userName} exists` });
    const badFilter = await scim(tokenA).get(`/Users?filter=${encodeURIComponent('emails co "x"')}`);
    expect(parse(badFilter)).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect(parse(await provision(tokenA, 'not-an-email'))).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(parse(await scim(tokenA).post('/Users', { schemas: ['urn:other'], userName: fresh() }))).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(parse(await scim(tokenA).patch(`/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'userName' }] }))).toMatchObject({ status: '400', scimType: 'mutability' });
    expect(parse(await scim(tokenA).patch(`/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'password', value: 'x' }] }))).toMatchObject({ status: '400', scimType: 'invalidPath' });
    expect((await scim(tokenA).get('/Users/not-a-uuid')).status).toBe(400);
    expect(parse(await scim(tokenA).get('/Users/00000000-0000-4000-8000-000000000000'))).toEqual({ schemas: [ERROR], status: '404', detail: 'User not found' });

    const renamed = fresh();
    const replaced = await scim(tokenA).put(`/Users/${user.id}`, { schemas: [USER], userName: renamed, active: true });
    expect(parse(replaced)).toMatchObject({ id: user.id, userName: renamed, active: true });
    // Directories send booleans as strings and attributes without a path; both are understood.
    const patched = await scim(tokenA).patch(`/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', value: { active: 'False', 'name.givenName': 'Ada' } }] });
    expect(parse(patched)).toMatchObject({ id: user.id, active: false });
    expect((await scim(tokenA).delete(`/Users/${user.id}`)).status).toBe(204);
    expect((await scim(tokenA).get(`/Users/${user.id}`)).status).toBe(404);

    const audit = await t.owner`select action, actor_type, actor_id from audit_logs where tenant_id = ${a.id} and resource_id = ${user.id} order by at`;
    expect(audit.map((entry) => entry.action)).toEqual(['user.provisioned', 'user.updated', 'user.deactivated', 'user.removed']);
    const [tokenRow] = await t.owner`select id from scim_tokens where tenant_id = ${a.id} and token_hash = ${sha256(tokenA)}`;
    expect(new Set(audit.map((entry) => `${entry.actor_type}:${entry.actor_id}`))).toEqual(new Set([`scim_token:${tokenRow!.id}`]));
  });

  it("answers 404 for tenant B's users to tenant A's token, and never lists them", async () => {
    const theirs = parse(await provision(tokenB, fresh('b.test')));
    const before = await t.owner`select email, status, updated_at from users where id = ${theirs.id}`;
    for (const response of [
      await scim(tokenA).get(`/Users/${theirs.id}`),
      await scim(tokenA).put(`/Users/${theirs.id}`, { schemas: [USER], userName: fresh() }),
      await deactivate(tokenA, theirs.id),
      await scim(tokenA).delete(`/Users/${theirs.id}`),
    ]) {
      expect(response.status).toBe(404);
      expect(parse(response)).toEqual({ schemas: [ERROR], status: '404', detail: 'User not found' });
    }
    const listed = await scim(tokenA).get(`/Users?filter=${encodeURIComponent(`userName eq "${theirs.userName}"`)}`);
    expect(parse(listed).totalResults).toBe(0);
    expect((await scim(tokenA).get('/Users?count=100')).text).not.toContain(theirs.id);
    expect(await t.owner`select email, status, updated_at from users where id = ${theirs.id}`).toEqual(before);
    // B's own token still manages it.
    expect((await scim(tokenB).get(`/Users/${theirs.id}`)).status).toBe(200);
  });

  it('respects seats: a deactivated user frees its seat, restoring needs one', async () => {
    const tenant = await createTenantWithUsers(t);
    await t.owner`update tenants set config = ${t.owner.json({ limits: { seats: 5 } })} where id = ${tenant.id}`;
    const token = (await createToken(tenant.admin.auth)).body.token;
    const fifth = parse(await provision(token, fresh()));
    const full = await provision(token, fresh());
    expect(full.status).toBe(403);
    expect(parse(full)).toMatchObject({ schemas: [ERROR], status: '403', detail: expect.stringMatching(/seats/) });
    expect(parse(await deactivate(token, fifth.id)).active).toBe(false);
    const sixth = await provision(token, fresh());
    expect(sixth.status).toBe(201);
    const restore = await scim(token).patch(`/Users/${fifth.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(restore.status).toBe(403);
    expect((await t.owner`select count(*)::int as n from users where tenant_id = ${tenant.id} and status = 'active'`)[0]!.n).toBe(5);
    // Owners are out of a directory's reach.
    expect((await deactivate(token, tenant.owner.id)).status).toBe(403);
  });

  it('SCIM create → sign-in via SSO → active: false → every way in refused → active: true restores', async () => {
    const tenant = await createTenantWithUsers(t);
    const domain = `${tenant.slug}.test`;
    const added = await t.http().post('/v1/tenant/domains').set('authorization', tenant.admin.auth).send({ domain });
    dns.setTxt(`_tenantry-challenge.${domain}`, [added.body.verification.value]);
    expect((await t.http().post(`/v1/tenant/domains/${added.body.id}/verify`).set('authorization', tenant.admin.auth)).body.status).toBe('verified');
    const connection = (await t.http().post('/v1/tenant/sso/connections').set('authorization', tenant.admin.auth).send({ type: 'saml', idpMetadataXml: idp.metadataXml })).body;
    const token = (await createToken(tenant.admin.auth)).body.token;

    const email = `grace@${domain}`;
    const user = parse(await provision(token, email));
    const signIn = async () => {
      const start = await t.http().get(`/v1/auth/sso/${connection.id}/start`);
      const request = idp.readRequest(start.headers.location);
      const xml = idp.respond({ inResponseTo: request.id, acsUrl: request.acsUrl, audience: request.issuer, nameId: 'grace-nid', email });
      return t.http().post('/v1/auth/sso/saml/acs').type('form').send({ SAMLResponse: encodeResponse(xml), RelayState: request.relayState });
    };
    const first = await signIn();
    expect(first.status).toBe(302);
    const tokens = await t.http().post('/v1/auth/sso/exchange').send({ code: new URL(first.headers.location).searchParams.get('code') });
    expect(tokens.status).toBe(200);
    const me = await t.http().get('/v1/me').set('authorization', `Bearer ${tokens.body.accessToken}`);
    expect(me.body.user).toMatchObject({ id: user.id, email });

    // A password as well, to prove password sign-in is refused too.
    await t.owner`update users set password_hash = (select password_hash from users where id = ${tenant.member.id}) where id = ${user.id}`;
    const session = await login(t, tenant, { email });

    expect(parse(await deactivate(token, user.id)).active).toBe(false);
    const refusedSso = await signIn();
    expect(refusedSso.status).toBe(403);
    expect(refusedSso.body.message).toBe('This account is deactivated');
    expect((await t.http().get('/v1/me').set('authorization', `Bearer ${tokens.body.accessToken}`)).status).toBe(401);
    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: tokens.body.refreshToken })).status).toBe(401);
    expect((await t.http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
    expect((await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email, password: 'correct-horse-battery-staple' })).status).toBe(401);
    const [revoked] = await t.owner`select count(*)::int as open from refresh_tokens where user_id = ${user.id} and revoked_at is null`;
    expect(revoked!.open).toBe(0);
    const [audit] = await t.owner`select actor_type from audit_logs where tenant_id = ${tenant.id} and resource_id = ${user.id} and action = 'user.deactivated'`;
    expect(audit!.actor_type).toBe('scim_token');

    // Restored: the same identity signs in again.
    const restored = await scim(token).patch(`/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(parse(restored).active).toBe(true);
    expect((await signIn()).status).toBe(302);
    expect((await t.http().post('/v1/auth/login').send({ tenant: tenant.slug, email, password: 'correct-horse-battery-staple' })).status).toBe(200);
  });

  it('deactivates and restores through /v1/users as well, and keeps the last owner', async () => {
    const tenant = await createTenantWithUsers(t);
    const member = await createUser(t, tenant, 'member');
    const off = await t.http().post(`/v1/users/${member.id}/deactivate`).set('authorization', tenant.admin.auth);
    expect(off.body).toMatchObject({ id: member.id, status: 'deactivated' });
    expect((await t.http().get('/v1/projects').set('authorization', member.auth)).status).toBe(401);
    expect((await t.http().post(`/v1/users/${member.id}/restore`).set('authorization', tenant.admin.auth)).body.status).toBe('active');
    expect((await t.http().post(`/v1/users/${tenant.owner.id}/deactivate`).set('authorization', tenant.owner.auth)).status).toBe(409);
    expect((await t.http().post(`/v1/users/${tenant.owner.id}/deactivate`).set('authorization', tenant.admin.auth)).status).toBe(403);
    expect((await t.http().post(`/v1/users/${member.id}/deactivate`).set('authorization', tenant.member.auth)).status).toBe(403);
  });
});
