import type { TestingModule } from '@nestjs/testing';
import { LifecycleQueues } from '@tenantry/queues';
import { PurgeSweep } from '../../apps/worker/src/lifecycle/purge-sweep';
import { createSystemAdmin, createTenantWithUsers } from '../factories';
import { freePort, OwnRedis } from '../support/own-redis';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestWorker, waitForJob } from '../support/test-worker';

/**
 * Every route that writes to a queue answers a bounded 503 while Redis is down or hangs, and a
 * deleted tenant whose purge could not be queued is purged all the same once Redis is back.
 */
describe('queue writes while Redis is down', () => {
  let t: TestApp;
  let redis: OwnRedis;
  let worker: TestingModule | undefined;
  const savedRedisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    // The API and the worker of this file share this Redis.
    process.env.REDIS_URL = redis.url;
    t = await createTestApp();
  });

  afterAll(async () => {
    redis.resume();
    await worker?.close();
    await t.close();
    await redis.stop();
    process.env.REDIS_URL = savedRedisUrl;
  });

  const expectUnavailable = (response: { status: number; headers: Record<string, string>; body: unknown }, message: RegExp) => {
    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(message) },
    });
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
  };

  it.each([
    ['stopped', () => redis.stop(), () => redis.start()],
    ['hanging', async () => redis.pause(), async () => redis.resume()],
  ])('answers a tenant export and an admin export 503 while Redis is %s', async (_state, breakRedis, repair) => {
    const tenant = await createTenantWithUsers(t);
    const admin = await createSystemAdmin(t);
    await breakRedis();
    try {
      expectUnavailable(await t.as(tenant.owner).post('/v1/tenant/export'), /queue is unavailable/);
      expectUnavailable(await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/export`), /queue is unavailable/);
      expectUnavailable(await t.as(admin).get('/v1/admin/jobs/export-00000000-0000-4000-8000-000000000000'), /queue is unavailable/);
    } finally {
      await repair();
    }
  });

  it('keeps a deletion whose purge could not be queued, and the sweep purges it once Redis is back', async () => {
    const tenant = await createTenantWithUsers(t);
    const admin = await createSystemAdmin(t);
    await redis.stop();
    const response = await t.as(admin).delete(`/v1/admin/tenants/${tenant.id}`);
    expectUnavailable(response, /deleted, but its purge could not be queued/);
    const [row] = await t.owner<{ status: string }[]>`select status from tenants where id = ${tenant.id}`;
    expect(row!.status).toBe('deleted');
    expect((await t.as(tenant.owner).get('/v1/projects')).status).toBe(403);

    await redis.start();
    worker = await createTestWorker();
    await worker.get(PurgeSweep).sweep();
    const job = await waitForJob(t.app.get(LifecycleQueues), `purge-${tenant.id}`, 30000);
    expect(await job.getState()).toBe('completed');
    const [remaining] = await t.owner<{ count: number }[]>`select count(*)::int as count from tenants where id = ${tenant.id}`;
    expect(remaining!.count).toBe(0);
  });
});
