import type { TestingModule } from '@nestjs/testing';
import { createServer, Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { startDnsServer, TestDnsServer } from '../support/dns-server';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

/**
 * The address policy in production mode, through the real API and worker, with names answered by
 * a real DNS server: refused when the endpoint is saved, and again when the worker connects.
 */
describe('webhook URLs in production', () => {
  let dns: TestDnsServer;
  let t: TestApp;
  let worker: TestingModule;
  let tenant: TestTenantWithUsers;
  let trap: Server;
  let trapPort: number;
  let connections = 0;
  const env = () => ({ NODE_ENV: 'production', MAIL_DISABLED: 'true', DNS_SERVERS: dns.address, WEBHOOK_DISPATCH_INTERVAL_MS: '100' });

  beforeAll(async () => {
    dns = await startDnsServer();
    dns.setAddresses('rebind.webhook.test', { a: ['127.0.0.1'] });
    dns.setAddresses('mapped.webhook.test', { aaaa: ['::ffff:7f00:1'] }); // ::ffff:127.0.0.1
    dns.setAddresses('loop6.webhook.test', { aaaa: ['::1'] });
    dns.setAddresses('metadata.webhook.test', { a: ['169.254.169.254'] });
    dns.setAddresses('intranet.webhook.test', { a: ['10.20.30.40'] });
    dns.setAddresses('mixed.webhook.test', { a: ['93.184.216.34', '192.168.0.10'] });
    dns.setAddresses('later.webhook.test', { a: ['93.184.216.34'] });
    // Anything that reached 127.0.0.1 on this port would be counted here.
    trap = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapPort = (trap.address() as AddressInfo).port;
    t = await createTestApp(env());
    tenant = await createTenantWithUsers(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await dns?.close();
    await new Promise((resolve) => (trap ? trap.close(resolve) : resolve(undefined)));
  });

  const create = (url: string) => t.http().post('/v1/webhooks').set('authorization', tenant.owner.auth).send({ url, events: ['project.created'] });

  it.each([
    ['http://hooks.example.com/x', /https/],
    ['https://127.0.0.1/x', /refused address \(127\.0\.0\.1\)/],
    ['https://localhost/x', /refused address \(127\.0\.0\.1\)/],
    ['https://api.localhost/x', /refused address/],
    ['https://[::1]/x', /refused address/],
    ['https://[::ffff:127.0.0.1]/x', /refused address/],
    ['https://[::ffff:169.254.169.254]/x', /refused address/],
    ['https://169.254.169.254/latest/meta-data/', /refused address/],
    ['https://[fd00:ec2::254]/x', /refused address/],
    ['https://100.100.100.200/x', /refused address/],
    ['https://10.0.0.5/x', /refused address/],
    ['https://2130706433/x', /refused address \(127\.0\.0\.1\)/],
    ['https://rebind.webhook.test/x', /resolves to a refused address \(127\.0\.0\.1\)/],
    ['https://mapped.webhook.test/x', /resolves to a refused address \(::ffff:(127\.0\.0\.1|7f00:1)\)/],
    ['https://loop6.webhook.test/x', /resolves to a refused address \(::1\)/],
    ['https://metadata.webhook.test/x', /resolves to a refused address \(169\.254\.169\.254\)/],
    ['https://intranet.webhook.test/x', /resolves to a refused address/],
    ['https://mixed.webhook.test/x', /resolves to a refused address \(192\.168\.0\.10\)/],
  ])('refuses %s with 400', async (url, message) => {
    const response = await create(url);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it('refuses on connect a name that resolved to a public address when saved and to loopback now (DNS rebinding)', async () => {
    const saved = await create(`https://later.webhook.test:${trapPort}/hook`);
    expect(saved.status).toBe(201);
    dns.setAddresses('later.webhook.test', { a: ['127.0.0.1'] });
    const saved2 = await t.http().patch(`/v1/webhooks/${saved.body.id}`).set('authorization', tenant.owner.auth).send({ url: `https://later.webhook.test:${trapPort}/hook` });
    expect(saved2.status).toBe(400); // saving again resolves again

    const previous = Object.fromEntries(Object.keys(env()).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env());
    try {
      worker = await createTestWorker();
    } finally {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    await t.http().post('/v1/projects').set('authorization', tenant.owner.auth).send({ name: 'rebound' }).expect(201);
    let delivery: Record<string, unknown> | undefined;
    for (let tries = 0; tries < 300 && !delivery?.attempts; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [delivery] = (await t.http().get(`/v1/webhooks/${saved.body.id}/deliveries`).set('authorization', tenant.owner.auth)).body.data;
    }
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseCode: null, error: expect.stringMatching(/later\.webhook\.test resolves to a refused address \(127\.0\.0\.1\)/) });
    expect(connections).toBe(0);
  });
});
