import type { TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CLOCK, OverQuotaFlags, UsageRecorder } from '@tenantry/metering';
import { TenantConfigEvents } from '@tenantry/plans';
import { TenantTransaction } from '@tenantry/tenancy';
import type { UsageEvent } from '@tenantry/queues';
import { UsageRollupService } from '../../apps/worker/src/metering/usage-rollup.service';
import { MonthlyQuotaEvaluator } from '../../apps/worker/src/metering/monthly-quota.evaluator';
import { createProject, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { rolledUp, TestClock, unappliedBatches, usageEventsQueue, waitFor } from '../support/metering';
import { useTestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

describe('usage metering', () => {
  const t = useTestApp({}, (builder) => builder.overrideProvider(CLOCK).useValue(clock));
  let worker: TestingModule;
  let queue: Queue;
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    worker = await createTestWorker((builder) => builder.overrideProvider(CLOCK).useValue(clock));
    queue = usageEventsQueue();
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
  });

  /** Hands the API's buffer to the queue and waits until the worker has applied every batch. */
  async function settle(): Promise<void> {
    await t.app.get(UsageRecorder).flush();
    await waitFor('usage batches to be applied', async () => (await unappliedBatches(queue)) === 0);
  }

  const get = (path: string, user: { auth: string }) => t.as(user).get(path);

  describe('events and rollups', () => {
    it('counts every authenticated tenant request and domain event exactly once, at every granularity', async () => {
      clock.at = Date.now();
      const tenant = await createTenantWithUsers(t, { plan: 'pro' });
      const project = await createProject(t, tenant.member);
      await createProject(t, tenant.member);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1) statuses.push((await get('/v1/projects', tenant.viewer)).status);
      statuses.push((await get(`/v1/projects/${project.id}`, tenant.viewer)).status);
      statuses.push((await get(`/v1/projects/${randomUUID()}`, tenant.viewer)).status); // 404 is still a call
      statuses.push((await t.as(tenant.viewer).post('/v1/projects').send({ name: 'x' })).status); // 403 too
      await get('/v1/projects', { auth: 'Bearer not-a-token' }); // unauthenticated: no tenant, no event
      expect(statuses.filter((status) => status === 200)).toHaveLength(31);
      await settle();

      const expected = 2 + 30 + 3;
      expect(await rolledUp(t.owner, tenant.id, 'api_calls', 'hour')).toBe(expected);
      expect(await rolledUp(t.owner, tenant.id, 'api_calls', 'day')).toBe(expected);
      expect(await rolledUp(t.owner, tenant.id, 'api_calls', 'month')).toBe(expected);
      expect(await rolledUp(t.owner, tenant.id, 'projects.created')).toBe(2);

      // Flushing again and waiting changes nothing: nothing is counted twice.
      await settle();
      expect(await rolledUp(t.owner, tenant.id, 'api_calls')).toBe(expected);

      const usage = await get('/v1/usage?granularity=day', tenant.admin);
      expect(usage.status).toBe(200);
      const apiCalls = usage.body.data.filter((row: { metric: string }) => row.metric === 'api_calls');
      expect(apiCalls.reduce((sum: number, row: { value: number }) => sum + row.value, 0)).toBe(expected);
      expect(usage.body.data).toContainEqual({ metric: 'projects.created', bucketStart: expect.any(String), value: 2 });
      expect(usage.body).toMatchObject({ granularity: 'day', from: expect.any(String), to: expect.any(String) });
    });

    it('records a domain event only when its tenant transaction commits', async () => {
      const tenant = await createTenantWithUsers(t);
      const recorder = t.app.get(UsageRecorder);
      const tenantTransaction = t.app.get(TenantTransaction);
      await expect(
        tenantTransaction.run({ tenantId: tenant.id }, async () => {
          recorder.recordInTransaction('reports.generated');
          throw new Error('the report failed after it was counted');
        }),
      ).rejects.toThrow('the report failed');
      await tenantTransaction.run({ tenantId: tenant.id }, async () => recorder.recordInTransaction('reports.generated'));
      await settle();
      expect(await rolledUp(t.owner, tenant.id, 'reports.generated')).toBe(1);
    });

    it('counts neither a project nor an event for a create the plan refused', async () => {
      const tenant = await createTenantWithUsers(t, { plan: 'free' });
      for (let i = 0; i < 3; i += 1) await createProject(t, tenant.member);
      const refused = await t.as(tenant.member).post('/v1/projects').send({ name: 'fourth' });
      expect(refused.status).toBe(403); // the free plan's 3 projects
      await settle();
      expect(await rolledUp(t.owner, tenant.id, 'projects.created')).toBe(3);
      expect(await rolledUp(t.owner, tenant.id, 'api_calls')).toBe(4);
    });

    it('applies a replayed batch once: the second delivery adds nothing', async () => {
      const tenant = await createTenantWithUsers(t);
      const other = await createTenantWithUsers(t);
      const at = Date.now();
      const events: UsageEvent[] = [
        ...Array.from({ length: 7 }, () => ({ eventId: randomUUID(), tenantId: tenant.id, metric: 'api_calls', at })),
        ...Array.from({ length: 5 }, () => ({ eventId: randomUUID(), tenantId: other.id, metric: 'reports.generated', at })),
      ];
      const batch = { batchId: randomUUID(), events };
      const rollups = worker.get(UsageRollupService);
      expect(await rollups.applyBatch(batch)).toMatchObject({ events: 12, replayedEvents: 0, tenants: 2 });
      expect(await rollups.applyBatch(batch)).toMatchObject({ events: 12, replayedEvents: 12, tenants: 2 });
      // The same batch through the queue twice, as a producer retry after a lost reply would send it.
      await queue.add('batch', batch, { jobId: randomUUID() });
      await queue.add('batch', batch, { jobId: randomUUID() });
      await waitFor('replays to be processed', async () => (await unappliedBatches(queue)) === 0);
      expect(await rolledUp(t.owner, tenant.id, 'api_calls')).toBe(7);
      expect(await rolledUp(t.owner, other.id, 'reports.generated')).toBe(5);
      expect(await rolledUp(t.owner, other.id, 'api_calls')).toBe(0);
    });

    it('ignores malformed events and drops events of tenants that no longer exist, without failing the batch', async () => {
      const tenant = await createTenantWithUsers(t);
      const at = Date.now();
      const result = await worker.get(UsageRollupService).applyBatch({
        batchId: randomUUID(),
        events: [
          { eventId: randomUUID(), tenantId: tenant.id, metric: 'api_calls', at },
          { eventId: randomUUID(), tenantId: randomUUID(), metric: 'api_calls', at },
          { eventId: randomUUID(), tenantId: 'not-a-uuid', metric: 'api_calls', at } as UsageEvent,
          { eventId: randomUUID(), tenantId: tenant.id, metric: 'DROP TABLE', at } as UsageEvent,
        ],
      });
      expect(result).toMatchObject({ events: 2, discardedEvents: 1, replayedEvents: 0 });
      expect(await rolledUp(t.owner, tenant.id, 'api_calls')).toBe(1);
      await expect(worker.get(UsageRollupService).applyBatch({ batchId: 'nope', events: [] })).rejects.toThrow('valid batchId');
    });
  });

  describe('usage APIs', () => {
    let a: TestTenantWithUsers;
    let b: TestTenantWithUsers;

    beforeAll(async () => {
      a = await createTenantWithUsers(t);
      b = await createTenantWithUsers(t);
      for (let i = 0; i < 3; i += 1) await get('/v1/projects', a.viewer);
      for (let i = 0; i < 9; i += 1) await get('/v1/projects', b.viewer);
      await settle();
    });

    it('shows a tenant its own usage only, never another tenant’s', async () => {
      const mine = await get('/v1/usage?granularity=hour&metric=api_calls', a.admin);
      expect(mine.status).toBe(200);
      expect(mine.body.data.map((row: { value: number }) => row.value)).toEqual([3]);
      const theirs = await get('/v1/usage?granularity=hour&metric=api_calls', b.owner);
      expect(theirs.body.data.map((row: { value: number }) => row.value)).toEqual([9]);
    });

    it('is for admins and owners', async () => {
      expect((await get('/v1/usage', a.member)).status).toBe(403);
      expect((await get('/v1/usage', a.viewer)).status).toBe(403);
      expect((await get('/v1/usage', a.owner)).status).toBe(200);
    });

    it.each([
      ['granularity=week', 'granularity must be one of hour, day, month'],
      ['from=yesterday', 'from must be an ISO-8601 date'],
      ['metric=Robert%27);DROP', 'metric must look like api_calls or projects.created'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'from must be before to'],
      ['granularity=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'a hour window may span at most 31 days'],
      ['tenantId=' + '00000000-0000-4000-8000-000000000000', 'property tenantId should not exist'],
      ['from=%2B010000-01-01T00:00:00Z&to=%2B010000-01-02T00:00:00Z', 'from must be before the year 9999'],
      ['granularity=month&to=%2B010000-01-01T00:00:00Z', 'to must be before the year 9999'],
      ['from=1900-01-01T00:00:00Z&to=1900-01-02T00:00:00Z', 'from must not be before 1970'],
    ])('answers 400 to ?%s', async (query, message) => {
      const response = await get(`/v1/usage?${query}`, a.admin);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toContain(message);
    });

    it('shows system admins every tenant, one tenant with tenantId, paged', async () => {
      const admin = await createSystemAdmin(t);
      // Fresh tenants: the tenant-side reads above are API calls of a and b too.
      const c = await createTenantWithUsers(t);
      const d = await createTenantWithUsers(t);
      for (let i = 0; i < 3; i += 1) await get('/v1/projects', c.viewer);
      for (let i = 0; i < 9; i += 1) await get('/v1/projects', d.viewer);
      await settle();
      const one = await get(`/v1/admin/usage?granularity=hour&metric=api_calls&tenantId=${d.id}`, admin);
      expect(one.status).toBe(200);
      expect(one.body.data).toEqual([{ tenantId: d.id, metric: 'api_calls', bucketStart: expect.any(String), value: 9 }]);

      // Paging across tenants, on a metric only this test records (other suites share the database).
      const metric = `paging.m${randomUUID().slice(0, 8)}`;
      const at = Date.now();
      await worker.get(UsageRollupService).applyBatch({
        batchId: randomUUID(),
        events: [
          ...Array.from({ length: 3 }, () => ({ eventId: randomUUID(), tenantId: c.id, metric, at })),
          ...Array.from({ length: 9 }, () => ({ eventId: randomUUID(), tenantId: d.id, metric, at })),
        ],
      });
      const seen = new Map<string, number>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { body: { data: { tenantId: string; value: number }[]; nextCursor: string | null } } = await get(
          `/v1/admin/usage?granularity=month&metric=${metric}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          admin,
        );
        for (const row of page.body.data) seen.set(row.tenantId, (seen.get(row.tenantId) ?? 0) + row.value);
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(2);
      expect(Object.fromEntries(seen)).toEqual({ [c.id]: 3, [d.id]: 9 });

      expect((await get('/v1/admin/usage', a.owner)).status).toBe(403);
      expect((await get('/v1/admin/usage?cursor=bad', admin)).status).toBe(400);
      const cursorOf = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const cursor of [
        cursorOf(['2026-01-01T00:00:00Z', c.id, 'a\u0000']),
        cursorOf(['+010000-01-01T00:00:00Z', c.id, 'api_calls']),
        cursorOf(['2026-01-01T00:00:00Z', 'not-a-uuid', 'api_calls']),
      ]) {
        expect((await get(`/v1/admin/usage?cursor=${cursor}`, admin)).status).toBe(400);
      }
      expect((await get('/v1/admin/usage?limit=1001', admin)).status).toBe(400);

      const detail = await get(`/v1/admin/tenants/${d.id}`, admin);
      expect(detail.body.usage).toMatchObject({ metrics: { api_calls: 9 }, apiCalls: { used: 9, limit: 100000000 } });
    });
  });

  describe('monthly API-call quota', () => {
    const endOfMonth = Date.parse('2026-11-30T23:59:00.000Z');

    async function tenantWithQuota(limit: number, features: Record<string, boolean> = {}) {
      const tenant = await createTenantWithUsers(t, { plan: 'pro' });
      await t.owner`update tenants set config = ${t.owner.json({ limits: { api_calls_per_month: limit }, features })} where id = ${tenant.id}`;
      await t.app.get(TenantConfigEvents).publishChanged(tenant.id);
      return tenant;
    }

    afterAll(() => {
      clock.at = Date.now();
    });

    it('turns into 429 with Retry-After once the month’s calls are used, and back at the reset', async () => {
      clock.at = endOfMonth;
      const tenant = await tenantWithQuota(5);
      for (let i = 0; i < 5; i += 1) expect((await get('/v1/projects', tenant.viewer)).status).toBe(200);
      await settle();

      const refused = await get('/v1/projects', tenant.viewer);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('60');
      expect(refused.body.message).toContain('quota_exceeded');
      expect(refused.body.message).toContain('2026-12-01T00:00:00.000Z');
      // Refusals are not calls: retrying does not dig the tenant deeper into its quota.
      for (let i = 0; i < 3; i += 1) expect((await get('/v1/projects', tenant.viewer)).status).toBe(429);
      await settle();
      expect(await rolledUp(t.owner, tenant.id, 'api_calls')).toBe(5);

      clock.at = Date.parse('2026-12-01T00:00:01.000Z');
      expect((await get('/v1/projects', tenant.viewer)).status).toBe(200);
      const quotas = await get('/v1/quotas', tenant.viewer);
      const monthly = quotas.body.find((quota: { metric: string }) => quota.metric === 'api_calls_per_month');
      expect(monthly).toMatchObject({ limit: 5, period: 'month', resetsAt: '2027-01-01T00:00:00.000Z' });
      expect(monthly.used).toBeLessThanOrEqual(1); // December's count: at most the one call just made
    });

    it('leaves alone a flag set after the periodic evaluation read its snapshot', async () => {
      const flags = worker.get(OverQuotaFlags);
      const tenant = await createTenantWithUsers(t);
      const readBefore = Date.now() - 1000;
      await flags.apply([{ tenantId: tenant.id, resetsAt: clock.at + 3_600_000 }]);
      await flags.apply([], [tenant.id], readBefore); // an evaluation that read usage before the flag was set
      expect(await flags.overQuotaUntil(tenant.id)).toBe(clock.at + 3_600_000);
      await flags.apply([], [tenant.id], Date.now() + 1);
      expect(await flags.overQuotaUntil(tenant.id)).toBeUndefined();
    });

    it('only warns a tenant with the api_calls_overage feature', async () => {
      clock.at = endOfMonth;
      const tenant = await tenantWithQuota(2, { api_calls_overage: true });
      for (let i = 0; i < 2; i += 1) await get('/v1/projects', tenant.viewer);
      await settle();
      const warned = await get('/v1/projects', tenant.viewer);
      expect(warned.status).toBe(200);
      expect(warned.headers['quota-warning']).toBe('api_calls_per_month exceeded; the quota resets at 2026-12-01T00:00:00.000Z');
    });

    it('is evaluated periodically too: marks tenants over quota and lifts the block when the limit is raised', async () => {
      clock.at = endOfMonth;
      const tenant = await tenantWithQuota(1000);
      for (let i = 0; i < 3; i += 1) await get('/v1/projects', tenant.viewer);
      await settle();
      expect((await get('/v1/projects', tenant.viewer)).status).toBe(200);

      await t.owner`update tenants set config = ${t.owner.json({ limits: { api_calls_per_month: 3 } })} where id = ${tenant.id}`;
      await t.app.get(TenantConfigEvents).publishChanged(tenant.id);
      await worker.get(MonthlyQuotaEvaluator).evaluate();
      expect((await get('/v1/projects', tenant.viewer)).status).toBe(429);
      const quotas = await t.as(tenant.viewer).get('/v1/quotas');
      expect(quotas.status).toBe(429);

      await t.owner`update tenants set config = ${t.owner.json({ limits: { api_calls_per_month: 100 } })} where id = ${tenant.id}`;
      await t.app.get(TenantConfigEvents).publishChanged(tenant.id);
      await worker.get(MonthlyQuotaEvaluator).evaluate();
      expect((await get('/v1/projects', tenant.viewer)).status).toBe(200);
    });
  });
});
