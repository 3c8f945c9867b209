import { createApiKey, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { startDnsServer, TestDnsServer } from '../support/dns-server';
import { createTestApp, TestApp } from '../support/test-app';

describe('verified domains (DNS TXT, against a DNS server in the test process)', () => {
  let dns: TestDnsServer;
  let t: TestApp;
  let a: TestTenantWithUsers;
  let b: TestTenantWithUsers;

  beforeAll(async () => {
    dns = await startDnsServer();
    t = await createTestApp({ DNS_SERVERS: dns.address });
    [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  const unique = () => `acme-${Math.random().toString(36).slice(2, 10)}.example`;
  const add = (user: { auth: string }, domain: string) => t.as(user).post('/v1/tenant/domains').send({ domain });
  const verify = (user: { auth: string }, id: string) => t.as(user).post(`/v1/tenant/domains/${id}/verify`);

  it('gives the TXT challenge, then verifies once DNS publishes it, and audits each step', async () => {
    const domain = unique();
    const created = await add(a.admin, domain.toUpperCase());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      domain,
      status: 'pending',
      verification: { type: 'TXT', name: `_tenantry-challenge.${domain}`, value: expect.stringMatching(/^tenantry-domain-verification=/) },
      verifiedAt: null,
    });

    // Nothing published yet: failed, with the reason.
    const missing = await verify(a.admin, created.body.id);
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ status: 'failed', failureReason: `no TXT record at _tenantry-challenge.${domain}` });

    // A wrong value next to unrelated records is still a failure.
    dns.setTxt(`_tenantry-challenge.${domain}`, ['v=spf1 -all', 'tenantry-domain-verification=wrong']);
    expect((await verify(a.admin, created.body.id)).body).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/expected value/) });

    dns.setTxt(`_tenantry-challenge.${domain}`, ['v=spf1 -all', created.body.verification.value]);
    const verified = await verify(a.owner, created.body.id);
    expect(verified.body).toMatchObject({ status: 'verified', failureReason: null, verifiedAt: expect.any(String) });

    const list = await t.as(a.admin).get('/v1/tenant/domains');
    expect(list.body.data.map((d: { domain: string; status: string }) => [d.domain, d.status])).toContainEqual([domain, 'verified']);
    const logs = await t.owner`select action from audit_logs where tenant_id = ${a.id} and resource_id = ${created.body.id} order by at`;
    expect(logs.map((log) => log.action)).toEqual(['domain.added', 'domain.checked', 'domain.checked', 'domain.checked']);
  });

  it('holds no transaction open while DNS answers', async () => {
    const domain = unique();
    const created = await add(a.admin, domain);
    dns.setTxt(`_tenantry-challenge.${domain}`, [created.body.verification.value]);
    // While the DNS server sits on the question, count the app's sessions that are in a transaction.
    const during: number[] = [];
    dns.beforeAnswer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [row] = await t.owner`select count(*)::int as open from pg_stat_activity
        where datname = current_database() and usename = 'tenantry_app' and xact_start is not null`;
      during.push(row!.open as number);
    });
    try {
      const verified = await verify(a.admin, created.body.id);
      expect(verified.body.status).toBe('verified');
    } finally {
      dns.beforeAnswer(undefined);
    }
    expect(during.length).toBeGreaterThan(0);
    expect(during).toEqual(during.map(() => 0));
    const [log] = await t.owner`select changes from audit_logs where tenant_id = ${a.id} and resource_id = ${created.body.id} and action = 'domain.checked'`;
    expect(log!.changes).toEqual({ before: { status: 'pending' }, after: { status: 'verified', failureReason: null } });
  });

  it('lets one tenant at most verify a domain', async () => {
    const domain = unique();
    const mine = await add(a.admin, domain);
    const theirs = await add(b.admin, domain);
    expect(theirs.status).toBe(201);
    dns.setTxt(`_tenantry-challenge.${domain}`, [mine.body.verification.value, theirs.body.verification.value]);
    expect((await verify(a.admin, mine.body.id)).body.status).toBe('verified');
    const refused = await verify(b.admin, theirs.body.id);
    expect(refused.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'This domain is already verified by another tenant' });
    expect((await t.as(b.admin).get(`/v1/tenant/domains/${theirs.body.id}`)).body.status).toBe('pending');
    // Once A lets go of it, B can prove it.
    expect((await t.as(a.admin).delete(`/v1/tenant/domains/${mine.body.id}`)).status).toBe(204);
    expect((await verify(b.admin, theirs.body.id)).body.status).toBe('verified');
  });

  it('refuses consumer mail domains, non-domains, duplicates and unknown fields', async () => {
    for (const domain of ['gmail.com', 'Outlook.com', 'mail.yahoo.com']) {
      const response = await add(a.admin, domain);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/consumer mail domain/);
    }
    for (const domain of ['localhost', '10.1.2.3', 'https://acme.example', '*.acme.example']) {
      expect((await add(a.admin, domain)).body).toMatchObject({ statusCode: 400, message: 'domain must be a host name such as acme.example' });
    }
    const domain = unique();
    expect((await add(a.admin, domain)).status).toBe(201);
    expect((await add(a.admin, domain)).status).toBe(409);
    const extra = await t.as(a.admin).post('/v1/tenant/domains').send({ domain: unique(), status: 'verified' });
    expect(extra.status).toBe(400);
  });

  it('is for owners and admins only', async () => {
    const created = await add(a.admin, unique());
    for (const user of [a.member, a.viewer, await createApiKey(t, a.admin, 'member')]) {
      expect((await add(user, unique())).status).toBe(403);
      expect((await t.as(user).get('/v1/tenant/domains')).status).toBe(403);
      expect((await t.as(user).get(`/v1/tenant/domains/${created.body.id}`)).status).toBe(403);
      expect((await verify(user, created.body.id)).status).toBe(403);
      expect((await t.as(user).delete(`/v1/tenant/domains/${created.body.id}`)).status).toBe(403);
    }
  });

  it("answers 404 for another tenant's domain on every route, and leaves it alone", async () => {
    const domain = unique();
    const theirs = await add(b.admin, domain);
    dns.setTxt(`_tenantry-challenge.${domain}`, [theirs.body.verification.value]);
    for (const call of [
      t.as(a.owner).get(`/v1/tenant/domains/${theirs.body.id}`),
      t.as(a.owner).post(`/v1/tenant/domains/${theirs.body.id}/verify`),
      t.as(a.owner).delete(`/v1/tenant/domains/${theirs.body.id}`),
    ]) {
      const response = await call;
      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Domain not found' });
    }
    const list = await t.as(a.owner).get('/v1/tenant/domains?limit=100');
    expect(JSON.stringify(list.body)).not.toContain(domain);
    const [row] = await t.owner`select status from tenant_domains where id = ${theirs.body.id}`;
    expect(row!.status).toBe('pending');
    expect((await t.as(a.owner).get('/v1/tenant/domains/not-a-uuid')).status).toBe(400);
  });
});
