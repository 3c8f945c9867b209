import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AuditWriter } from '@tenantry/audit';
import type { Transaction } from '@tenantry/db';
import { EventLog } from '@tenantry/events';
import type { UsageEvent } from '@tenantry/queues';
import { TenantTransaction } from '@tenantry/tenancy';
import { EventRetention } from '../../apps/worker/src/events/event-retention';
import { UsageRollupService } from '../../apps/worker/src/metering/usage-rollup.service';
import { createApiKey, createSystemAdmin, createTenantWithUsers, createUser, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

interface WireEvent {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: { object: Record<string, unknown>; previous?: Record<string, unknown> };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The event log: one event per change, in the change's transaction, in the documented shape. */
describe('the event log', () => {
  const t = useTestApp();
  let worker: TestingModule;
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;

  beforeAll(async () => {
    worker = await createTestWorker();
    admin = await createSystemAdmin(t);
  });
  afterAll(async () => {
    await worker.close();
  });

  const eventsOf = async (tenant: TestTenantWithUsers, query = ''): Promise<WireEvent[]> => {
    const response = await t.as(tenant.admin).get(`/v1/events?limit=100${query}`);
    expect(response.status).toBe(200);
    return (response.body.data as WireEvent[]).reverse(); // oldest first reads as the story
  };

  it('records every change with what changed, in the documented shape and never the internal row', async () => {
    const tenant = await createTenantWithUsers(t);
    const owner = tenant.owner.auth;
    const project = (await t.as(owner).post('/v1/projects').send({ name: 'Website' })).body;
    await t.as(owner).patch(`/v1/projects/${project.id}`).send({ name: 'Website relaunch' }).expect(200);
    const task = (await t.as(owner).post(`/v1/projects/${project.id}/tasks`).send({ title: 'Write' })).body;
    await t.as(owner).patch(`/v1/projects/${project.id}/tasks/${task.id}`).send({ status: 'done' }).expect(200);
    await t.as(owner).delete(`/v1/projects/${project.id}/tasks/${task.id}`).expect(204);
    await t.as(owner).delete(`/v1/projects/${project.id}`).expect(204);
    const user = (await t.as(owner).post('/v1/users').send({ email: `ev-${randomUUID()}@example.com`, role: 'viewer', password: 'correct horse battery' })).body;
    await t.as(owner).patch(`/v1/users/${user.id}`).send({ role: 'member' }).expect(200);
    await t.as(owner).patch(`/v1/users/${user.id}`).send({ role: 'member' }).expect(200); // no change, no event
    await t.as(owner).delete(`/v1/users/${user.id}`).expect(204);
    const key = await createApiKey(t, tenant.owner, 'viewer');
    await t.as(owner).delete(`/v1/api-keys/${key.id}`).expect(204);
    await t.as(owner).delete(`/v1/api-keys/${key.id}`).expect(204); // already revoked, no event
    await t.as(admin).patch(`/v1/admin/tenants/${tenant.id}`).send({ plan: 'pro' }).expect(200);
    await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/suspend`).expect(200);
    await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/resume`).expect(200);

    const log = await eventsOf(tenant);
    expect(log.map((event) => event.type)).toEqual([
      'project.created',
      'project.updated',
      'task.created',
      'task.updated',
      'task.deleted',
      'project.deleted',
      'user.created',
      'user.role_changed',
      'user.removed',
      'api_key.created',
      'api_key.revoked',
      'tenant.plan_changed',
      'tenant.suspended',
      'tenant.resumed',
    ]);
    for (const event of log) {
      expect(Object.keys(event).sort()).toEqual(['data', 'id', 'occurredAt', 'tenantId', 'type']);
      expect(event).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), occurredAt: expect.stringMatching(ISO), tenantId: tenant.id });
      // The API's view of the resource: no tenant_id, no hashes, no snake_case columns.
      const text = JSON.stringify(event.data);
      for (const internal of ['tenantId', 'tenant_id', 'passwordHash', 'password_hash', 'keyHash', 'key_hash', 'config']) expect(text).not.toContain(internal);
    }
    const byType = Object.fromEntries(log.map((event) => [event.type, event.data]));
    expect(byType['project.created']).toEqual({ object: { ...project } });
    expect(byType['project.updated']).toMatchObject({ object: { id: project.id, name: 'Website relaunch' }, previous: { id: project.id, name: 'Website' } });
    expect(byType['task.updated']).toMatchObject({ object: { id: task.id, status: 'done' }, previous: { status: 'todo' } });
    expect(byType['task.deleted']).toMatchObject({ object: { id: task.id, projectId: project.id } });
    expect(byType['user.created']).toMatchObject({ object: { id: user.id, role: 'viewer', isInvited: false } });
    expect(byType['user.role_changed']).toMatchObject({ object: { id: user.id, role: 'member' }, previous: { role: 'viewer' } });
    expect(byType['user.removed']).toMatchObject({ object: { id: user.id, role: 'member' } });
    expect(byType['api_key.created']).toMatchObject({ object: { id: key.id, prefix: key.prefix, role: 'viewer', revokedAt: null } });
    expect(byType['api_key.created']!.object).not.toHaveProperty('key');
    expect(byType['api_key.revoked']).toMatchObject({ object: { id: key.id, revokedAt: expect.stringMatching(ISO) } });
    expect(byType['tenant.plan_changed']).toEqual({
      object: { id: tenant.id, slug: tenant.slug, name: 'Test tenant', plan: 'pro', status: 'active' },
      previous: { id: tenant.id, slug: tenant.slug, name: 'Test tenant', plan: 'enterprise', status: 'active' },
    });
    expect(byType['tenant.suspended']).toMatchObject({ object: { status: 'suspended' }, previous: { status: 'active' } });
    expect(byType['tenant.resumed']).toMatchObject({ object: { status: 'active' }, previous: { status: 'suspended' } });

    // Filtered by type, and paged newest first with a cursor.
    expect((await eventsOf(tenant, '&type=project.updated')).map((event) => event.id)).toEqual([log[1]!.id]);
    const first = await t.as(tenant.owner).get('/v1/events?limit=5');
    const second = await t.as(tenant.owner).get(`/v1/events?limit=5&cursor=${first.body.nextCursor}`);
    expect([...first.body.data, ...second.body.data].map((event: WireEvent) => event.id)).toEqual(log.slice(-10).reverse().map((event) => event.id));
    expect((await t.as(owner).get('/v1/events?type=project.exploded')).status).toBe(400);
  });

  it('writes nothing for a change that rolls back', async () => {
    const tenant = await createTenantWithUsers(t);
    const failure = new Error('the change failed after its event was written');
    await expect(
      t.app.get(TenantTransaction).run({ tenantId: tenant.id }, async () => {
        await t.app.get(EventLog).record('project.created', { object: { id: randomUUID(), name: 'never' } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    // Refused by the plan's project limit after nothing was written: no event either.
    await t.owner`update tenants set config = '{"limits": {"projects": 0}}' where id = ${tenant.id}`;
    expect((await t.as(tenant.owner).post('/v1/projects').send({ name: 'over' })).status).toBe(403);
    const [row] = await t.owner<{ count: number }[]>`select count(*)::int as count from events where tenant_id = ${tenant.id}`;
    expect(row!.count).toBe(0);
  });

  it("writes a transaction's events once each, however many, with its audit row or at COMMIT; flush makes them visible before", async () => {
    const tenant = await createTenantWithUsers(t);
    const events = t.app.get(EventLog);
    const countIn = async (tx: Transaction) => ((await tx.execute(sql`select count(*)::int as count from events`)) as unknown as { count: number }[])[0]!.count;
    const seen: number[] = [];
    const ids = await t.app.get(TenantTransaction).run({ tenantId: tenant.id }, async (tx) => {
      const recorded: string[] = [];
      const record = async (index: number) => recorded.push(await events.record('project.created', { object: { id: randomUUID(), name: `p${index}` } }));
      for (let index = 0; index < 13; index++) await record(index);
      seen.push(await countIn(tx)); // none sent yet
      events.flush();
      seen.push(await countIn(tx));
      for (let index = 13; index < 25; index++) await record(index);
      // The audit row takes ten of them into its statement; the other two go with COMMIT.
      await t.app.get(AuditWriter).write({ action: 'project.created', resourceType: 'project' });
      seen.push(await countIn(tx));
      return recorded;
    });
    expect(seen).toEqual([0, 13, 23]);
    const rows = await t.owner<{ id: string; name: string }[]>`select id, data -> 'object' ->> 'name' as name from events where tenant_id = ${tenant.id}`;
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(rows.map((row) => row.name).sort()).toEqual(Array.from({ length: 25 }, (_, index) => `p${index}`).sort());
    const [audit] = await t.owner<{ count: number }[]>`select count(*)::int as count from audit_logs where tenant_id = ${tenant.id} and action = 'project.created'`;
    expect(audit!.count).toBe(1);
  });

  it("shows each tenant only its own events, and only to admins and owners", async () => {
    const [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    await t.as(a.owner).post('/v1/projects').send({ name: 'A only' }).expect(201);
    expect(await eventsOf(b)).toEqual([]);
    expect((await eventsOf(a)).map((event) => event.tenantId)).toEqual([a.id]);
    for (const user of [a.member, a.viewer]) {
      expect((await t.as(user).get('/v1/events')).status).toBe(403);
    }
    const otherAdmin = await createUser(t, b, 'admin');
    const theirs = await t.as(otherAdmin).get('/v1/events');
    expect(theirs.body.data).toEqual([]);
  });

  it('records usage.quota_exceeded once when the metering worker takes a tenant over its monthly API calls', async () => {
    const tenant = await createTenantWithUsers(t);
    await t.owner`update tenants set config = '{"limits": {"api_calls_per_month": 5}}' where id = ${tenant.id}`;
    const rollups = worker.get(UsageRollupService);
    const batch = (count: number) => ({
      batchId: randomUUID(),
      events: Array.from({ length: count }, (): UsageEvent => ({ eventId: randomUUID(), tenantId: tenant.id, metric: 'api_calls', at: Date.now() })),
    });
    await rollups.applyBatch(batch(3));
    expect(await eventsOf(tenant, '&type=usage.quota_exceeded')).toEqual([]);
    const crossing = batch(3);
    await rollups.applyBatch(crossing);
    await rollups.applyBatch(crossing); // a replay adds nothing, and announces nothing again
    await rollups.applyBatch(batch(4)); // still over: no second event this month
    const now = new Date();
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    const exceeded = await eventsOf(tenant, '&type=usage.quota_exceeded');
    expect(exceeded).toEqual([
      {
        id: expect.any(String),
        type: 'usage.quota_exceeded',
        occurredAt: expect.stringMatching(ISO),
        tenantId: tenant.id,
        data: { object: { metric: 'api_calls_per_month', limit: 5, used: 6, period: 'month', resetsAt } },
      },
    ]);
  });

  it("deletes events older than each tenant's event_retention_days, and only those", async () => {
    const [planned, overridden] = await Promise.all([createTenantWithUsers(t, { plan: 'free' }), createTenantWithUsers(t, { plan: 'free' })]);
    await t.owner`update tenants set config = '{"limits": {"event_retention_days": 30}}' where id = ${overridden.id}`;
    for (const tenant of [planned, overridden]) {
      await t.owner`insert into events (tenant_id, type, occurred_at, data) values
        (${tenant.id}, 'project.created', now() - interval '10 days', '{"object": {"age": "10 days"}}'),
        (${tenant.id}, 'project.created', now() - interval '40 days', '{"object": {"age": "40 days"}}'),
        (${tenant.id}, 'project.created', now() - interval '1 day', '{"object": {"age": "1 day"}}')`;
    }
    await worker.get(EventRetention).sweep();
    const ages = async (tenantId: string) =>
      (await t.owner<{ age: string }[]>`select data -> 'object' ->> 'age' as age from events where tenant_id = ${tenantId} order by occurred_at`).map((row) => row.age);
    expect(await ages(planned.id)).toEqual(['1 day']); // free plan: 7 days
    expect(await ages(overridden.id)).toEqual(['10 days', '1 day']);
  });
});
