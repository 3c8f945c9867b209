import { DOMParser } from '@xmldom/xmldom';
import { randomBytes } from 'node:crypto';
import { createTenantWithUsers, createUser, TestTenantWithUsers } from '../factories';
import { createSamlIdp, encodeResponse, pemBody, ResponseOptions, signingKey, TestSamlIdp } from '../support/saml-idp';
import { createTestApp, TestApp } from '../support/test-app';

const PUBLIC_URL = 'http://api.tenantry.test';
const APP_URL = 'http://app.tenantry.test';
const ACS = `${PUBLIC_URL}/v1/auth/sso/saml/acs`;

/**
 * SAML 2.0 sign-in against an IdP in the test process that signs with its own key and
 * self-signed certificate (xml-crypto, as node-saml verifies): the AuthnRequest of the start,
 * the POST binding to the ACS, then the same one-time code as OIDC. Every refusal is a 401 (or a
 * 400 for a sign-in that was never started), audited, and provisions nobody.
 */
describe('single sign-on with SAML 2.0', () => {
  let idp: TestSamlIdp;
  let t: TestApp;
  let a: TestTenantWithUsers;
  let connection: { id: string; spEntityId: string; acsUrl: string; metadataUrl: string; startUrl: string };

  beforeAll(async () => {
    idp = await createSamlIdp();
    t = await createTestApp({ PUBLIC_URL, APP_URL });
    a = await createTenantWithUsers(t);
    connection = await connect(a, { idpMetadataXml: idp.metadataXml });
  });
  afterAll(async () => {
    await t.close();
  });

  async function connect(tenant: TestTenantWithUsers, settings: Record<string, unknown>) {
    const response = await t.http().post('/v1/tenant/sso/connections').set('authorization', tenant.admin.auth).send({ type: 'saml', defaultRole: 'member', ...settings });
    if (response.status !== 201) throw new Error(`connect: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** GET start → the AuthnRequest the IdP reads. */
  async function start(connectionId = connection.id) {
    const response = await t.http().get(`/v1/auth/sso/${connectionId}/start`);
    if (response.status !== 302) throw new Error(`start: ${response.status} ${JSON.stringify(response.body)}`);
    return { location: response.headers.location as string, request: idp.readRequest(response.headers.location) };
  }

  /** The browser posting the IdP's form to the ACS. */
  const post = (samlResponse: string, relayState: string) =>
    t.http().post('/v1/auth/sso/saml/acs').type('form').send({ SAMLResponse: samlResponse, RelayState: relayState });

  /** A fresh sign-in answered by the IdP with `overrides`. */
  async function answer(email: string, overrides: Partial<ResponseOptions> = {}) {
    const { request } = await start();
    const xml = idp.respond({ inResponseTo: request.id, acsUrl: request.acsUrl, audience: request.issuer, nameId: `nid-${email}`, email, ...overrides });
    return { request, xml, response: await post(encodeResponse(xml), request.relayState) };
  }

  const exchange = (location: string) => t.http().post('/v1/auth/sso/exchange').send({ code: new URL(location).searchParams.get('code') });
  const usersWith = async (email: string) => (await t.owner`select count(*)::int as n from users where email = ${email}`)[0]!.n as number;
  const lastFailure = async () =>
    (await t.owner`select changes from audit_logs where tenant_id = ${a.id} and action = 'auth.sso_failed' order by at desc limit 1`)[0]?.changes as { after: { reason: string } } | undefined;
  const fresh = (label: string) => `${label}-${randomBytes(3).toString('hex')}@acme.test`;

  it('answers the connection with what the IdP needs, and serves SP metadata', async () => {
    expect(connection).toMatchObject({
      type: 'saml',
      spEntityId: `${PUBLIC_URL}/v1/auth/sso/saml/${connection.id}/metadata`,
      acsUrl: ACS,
      metadataUrl: `${PUBLIC_URL}/v1/auth/sso/saml/${connection.id}/metadata`,
      idpEntityId: idp.entityId,
      idpSsoUrl: idp.ssoUrl,
    });
    const metadata = await t.http().get(`/v1/auth/sso/saml/${connection.id}/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
    const document = new DOMParser().parseFromString(metadata.text, 'text/xml');
    expect(document.documentElement!.getAttribute('entityID')).toBe(connection.spEntityId);
    const acs = document.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'AssertionConsumerService')[0]!;
    expect([acs.getAttribute('Location'), acs.getAttribute('Binding')]).toEqual([ACS, 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST']);
    expect(document.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'SPSSODescriptor')[0]!.getAttribute('WantAssertionsSigned')).toBe('true');
    expect((await t.http().get(`/v1/auth/sso/saml/00000000-0000-4000-8000-000000000000/metadata`)).status).toBe(404);

    // The three settings one by one do the same as metadata; a certificate that is none is a 400.
    const byFields = await connect(a, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificate: idp.certificate });
    expect(byFields).toMatchObject({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, acsUrl: ACS });
    const send = (body: object) => t.http().post('/v1/tenant/sso/connections').set('authorization', a.admin.auth).send({ type: 'saml', ...body });
    expect((await send({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificate: 'not a certificate' })).body.message).toMatch(/idpCertificate must be an X.509 certificate/);
    expect((await send({ idpEntityId: idp.entityId, idpSsoUrl: 'ftp://idp', idpCertificate: idp.certificate })).body.message).toMatch(/idpSsoUrl must be an https URL/);
    expect((await send({ idpMetadataXml: '<EntityDescriptor' })).body.message).toMatch(/not well-formed/);
    expect((await send({ idpMetadataXml: '<EntityDescriptor entityID="x"/>' })).body.message).toMatch(/no IDPSSODescriptor/);
    expect((await send({})).status).toBe(400);
    expect((await send({ idpMetadataXml: idp.metadataXml, clientSecret: 'x' })).status).toBe(400);
    expect((await t.http().delete(`/v1/tenant/sso/connections/${byFields.id}`).set('authorization', a.admin.auth)).status).toBe(204);
  });

  it('signs in: start (AuthnRequest) → IdP → ACS → one-time code → tokens, provisioning the user (JIT)', async () => {
    const { location, request } = await start();
    const redirect = new URL(location);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(idp.ssoUrl);
    expect(request).toMatchObject({ issuer: connection.spEntityId, acsUrl: ACS, destination: idp.ssoUrl, id: expect.stringMatching(/^_/) });

    const email = fresh('saml');
    const xml = idp.respond({ inResponseTo: request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: `nid-${email}`, email });
    const done = await post(encodeResponse(xml), request.relayState);
    expect(done.status).toBe(302);
    const back = new URL(done.headers.location);
    expect(`${back.origin}${back.pathname}`).toBe(`${APP_URL}/`);
    expect([...back.searchParams.keys()]).toEqual(['code']);
    const tokens = await exchange(done.headers.location);
    expect(tokens.status).toBe(200);
    const me = await t.http().get('/v1/me').set('authorization', `Bearer ${tokens.body.accessToken}`);
    expect(me.body).toMatchObject({ user: { email, role: 'member' }, tenant: { id: a.id } });
    const [identity] = await t.owner`select connection_id, subject from sso_identities where tenant_id = ${a.id} and email = ${email}`;
    expect(identity).toEqual({ connection_id: connection.id, subject: `nid-${email}` });

    // The second sign-in of the same NameID is the same user.
    const again = await answer(email);
    const meAgain = await t.http().get('/v1/me').set('authorization', `Bearer ${(await exchange(again.response.headers.location)).body.accessToken}`);
    expect(meAgain.body.user.id).toBe(me.body.user.id);
    const actions = await t.owner`select action from audit_logs where tenant_id = ${a.id} and resource_id = ${me.body.user.id} order by at`;
    expect(actions.map((row) => row.action)).toEqual(['user.provisioned', 'auth.sso_login']);
  });

  it('refuses an unsigned assertion, and one signed by another key', async () => {
    const unsigned = fresh('unsigned');
    const refused = await answer(unsigned, { signature: 'none' });
    expect(refused.response.status).toBe(401);
    expect(refused.response.body.message).toMatch(/^The identity provider's answer was refused: Invalid signature/);
    expect(await usersWith(unsigned)).toBe(0);

    const forger = await signingKey('attacker.test');
    const forged = fresh('forged');
    const other = await answer(forged, { signature: forger });
    expect(other.response.status).toBe(401);
    expect(other.response.body.message).toMatch(/Invalid signature/);
    expect(await usersWith(forged)).toBe(0);
    expect((await lastFailure())!.after.reason).toMatch(/Invalid signature/);
  });

  it('refuses a wrong audience, recipient, destination and issuer', async () => {
    const cases: [Partial<ResponseOptions>, RegExp][] = [
      [{ audience: 'https://another-sp.test/metadata' }, /audience mismatch/],
      [{ recipient: 'https://another-sp.test/acs' }, /Recipient/],
      [{ destination: 'https://another-sp.test/acs' }, /Destination/],
      [{ issuer: 'https://another-idp.test/metadata' }, /issuer/i],
    ];
    for (const [overrides, reason] of cases) {
      const email = fresh('wrong');
      const { response } = await answer(email, overrides);
      expect({ overrides, status: response.status }).toEqual({ overrides, status: 401 });
      expect(response.body.message).toMatch(reason);
      expect(await usersWith(email)).toBe(0);
    }
  });

  it('refuses an expired assertion (its subject confirmation, or its conditions)', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const email = fresh('expired');
    const whole = await answer(email, { notOnOrAfter: tenMinutesAgo });
    expect(whole.response.status).toBe(401);
    expect(whole.response.body.message).toMatch(/No valid subject confirmation/);
    const conditions = await answer(email, { conditionsNotOnOrAfter: tenMinutesAgo });
    expect(conditions.response.status).toBe(401);
    expect(conditions.response.body.message).toMatch(/SAML assertion expired/);
    expect(await usersWith(email)).toBe(0);
  });

  it('refuses an answer to another request (InResponseTo) and one without a started sign-in', async () => {
    const email = fresh('crossed');
    const first = await start();
    const second = await start();
    // The IdP's answer to the first request, delivered with the second sign-in's RelayState.
    const xml = idp.respond({ inResponseTo: first.request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: `nid-${email}`, email });
    const crossed = await post(encodeResponse(xml), second.request.relayState);
    expect(crossed.status).toBe(401);
    expect(crossed.body.message).toMatch(/InResponseTo/);
    // IdP-initiated (no RelayState we issued) is not accepted.
    expect((await post(encodeResponse(xml), 'made-up')).body).toMatchObject({ statusCode: 400, message: 'Unknown or already used sign-in state' });
    expect((await t.http().post('/v1/auth/sso/saml/acs').type('form').send({ SAMLResponse: encodeResponse(xml) })).status).toBe(400);
    expect(await usersWith(email)).toBe(0);
  });

  it('accepts each assertion once: a replayed POST, and the same assertion id in a later sign-in, are refused', async () => {
    const email = fresh('replay');
    const { request, xml, response } = await answer(email);
    expect(response.status).toBe(302);
    // The same POST again: its sign-in was used up.
    const replayed = await post(encodeResponse(xml), request.relayState);
    expect(replayed.body).toMatchObject({ statusCode: 400, message: 'Unknown or already used sign-in state' });
    // A new sign-in answered with an assertion of the same id (validly signed): the replay cache refuses it.
    const assertionId = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1]!;
    const reused = await answer(email, { assertionId });
    expect(reused.response.status).toBe(401);
    expect(reused.response.body.message).toMatch(/used before/);
  });

  it('refuses XML signature wrapping: a forged assertion beside or around the signed one', async () => {
    const victim = fresh('victim');
    const attacker = fresh('attacker');
    const evil = (id: string) =>
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}">` +
      `<saml:Issuer>${idp.entityId}</saml:Issuer><saml:Subject><saml:NameID>nid-${attacker}</saml:NameID></saml:Subject>` +
      `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${attacker}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`;

    // 1. The signed assertion moved into the Response's Extensions; the forged one takes its place.
    {
      const { request } = await start();
      const signed = idp.respond({ inResponseTo: request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: `nid-${victim}`, email: victim });
      const original = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(signed)![0];
      const wrapped = signed.replace(original, `<samlp:Extensions>${original}</samlp:Extensions>${evil('_evil1')}</saml:Assertion>`);
      const response = await post(encodeResponse(wrapped), request.relayState);
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/signature/i);
    }
    // 2. The forged assertion carries the original's signature and wraps the signed assertion.
    {
      const { request } = await start();
      const signed = idp.respond({ inResponseTo: request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: `nid-${victim}`, email: victim });
      const original = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(signed)![0];
      const signature = /<(ds:)?Signature[\s\S]*<\/(ds:)?Signature>/.exec(original)![0];
      const wrapped = signed.replace(original, `${evil('_evil2').replace('</saml:Issuer>', `</saml:Issuer>${signature}`)}${original}</saml:Assertion>`);
      const response = await post(encodeResponse(wrapped), request.relayState);
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/signature/i);
    }
    // 3. Two assertions side by side: the signed one and a forged one.
    {
      const { request } = await start();
      const signed = idp.respond({ inResponseTo: request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: `nid-${victim}`, email: victim });
      const original = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(signed)![0];
      const wrapped = signed.replace(original, `${evil('_evil3')}</saml:Assertion>${original}`);
      const response = await post(encodeResponse(wrapped), request.relayState);
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/multiple assertions/);
    }
    expect(await usersWith(attacker)).toBe(0);
    expect(await usersWith(victim)).toBe(0);
  });

  it('links an existing user only at a verified domain, and keeps every refusal out of other tenants', async () => {
    const tenant = await createTenantWithUsers(t);
    const theirs = await connect(tenant, { idpMetadataXml: idp.metadataXml });
    const existing = await createUser(t, tenant, 'viewer', `ada@${tenant.slug}.test`);
    const { request } = await start(theirs.id);
    expect(request.issuer).toBe(theirs.spEntityId);
    const xml = idp.respond({ inResponseTo: request.id, acsUrl: ACS, audience: theirs.spEntityId, nameId: 'nid-ada', email: existing.email });
    const refused = await post(encodeResponse(xml), request.relayState);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/linked only when/);

    // An assertion for tenant A's connection (A's audience) posted into B's sign-in: refused.
    const atB = await start(theirs.id);
    const forA = idp.respond({ inResponseTo: atB.request.id, acsUrl: ACS, audience: connection.spEntityId, nameId: 'nid-cross', email: `cross@${tenant.slug}.test` });
    const crossed = await post(encodeResponse(forA), atB.request.relayState);
    expect(crossed.status).toBe(401);
    expect(crossed.body.message).toMatch(/audience/);
    expect(await usersWith(`cross@${tenant.slug}.test`)).toBe(0);
  });

  it('keeps forms out of every route but the ACS', async () => {
    const form = await t.http().post('/v1/auth/sso/exchange').type('form').send({ code: 'x' });
    expect(form.status).toBe(415);
    expect(pemBody(idp.certificate)).not.toContain('BEGIN');
  });
});
