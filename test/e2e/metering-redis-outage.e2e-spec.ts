import { UsageRecorder } from '@tenantry/metering';
import { meteringDroppedEvents } from '@tenantry/metrics';
import { SafeQueue, USAGE_EVENTS_QUEUE, UsageBatchJobData } from '@tenantry/queues';
import { createTenant } from '../factories';
import { waitFor } from '../support/metering';
import { freePort, OwnRedis } from '../support/own-redis';
import { createTestApp, TestApp } from '../support/test-app';

/** The API's usage buffer against a Redis of this test's own, stopped and started on purpose. */
describe('usage recording while Redis is down', () => {
  let t: TestApp;
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await createTestApp({ REDIS_URL: redis.url, METERING_BATCH_SIZE: '100', METERING_MAX_BUFFERED: '1000' });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  async function queuedEvents(tenantId: string): Promise<string[]> {
    const queue = new SafeQueue(USAGE_EVENTS_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: `{${process.env.REDIS_KEY_PREFIX}}` });
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed']);
      return jobs.flatMap((job) => (job.data as UsageBatchJobData).events).filter((event) => event.tenantId === tenantId).map((event) => event.eventId);
    } finally {
      await queue.close();
    }
  }

  /** The producer reconnects with a backoff; flushes fail until it has, then the whole buffer goes. */
  async function deliveredOnceReconnected(recorder: UsageRecorder): Promise<void> {
    await waitFor('the buffer to reach the restarted Redis', async () => {
      await recorder.flush();
      return recorder.bufferedEvents === 0;
    });
  }

  it('keeps events while Redis is away and delivers each once when it is back', async () => {
    const tenant = await createTenant(t);
    const recorder = t.app.get(UsageRecorder);
    for (let i = 0; i < 5; i += 1) recorder.record(tenant.id, 'api_calls');
    await recorder.flush();
    expect(await queuedEvents(tenant.id)).toHaveLength(5);

    await redis.stop();
    for (let i = 0; i < 40; i += 1) recorder.record(tenant.id, 'api_calls');
    await recorder.flush();
    expect(recorder.bufferedEvents).toBe(40);

    // This Redis keeps nothing on disk: the restarted one is empty, and holds exactly what was buffered.
    await redis.start();
    await deliveredOnceReconnected(recorder);
    const delivered = await queuedEvents(tenant.id);
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered).size).toBe(40);
  });

  it('drops the oldest events beyond METERING_MAX_BUFFERED, and counts them', async () => {
    const tenant = await createTenant(t);
    const recorder = t.app.get(UsageRecorder);
    const droppedBefore = (await meteringDroppedEvents.get()).values.find((v) => v.labels.reason === 'buffer_full')?.value ?? 0;
    await redis.stop();
    for (let i = 0; i < 1500; i += 1) recorder.record(tenant.id, 'api_calls');
    await recorder.flush();
    expect(recorder.bufferedEvents).toBe(1000);
    const droppedAfter = (await meteringDroppedEvents.get()).values.find((v) => v.labels.reason === 'buffer_full')!.value;
    expect(droppedAfter - droppedBefore).toBe(500);

    await redis.start();
    await deliveredOnceReconnected(recorder);
    expect(await queuedEvents(tenant.id)).toHaveLength(1000);
  });
});
