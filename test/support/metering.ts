import { Queue } from 'bullmq';
import type postgres from 'postgres';
import type { Clock } from '@tenantry/metering';
import { SafeQueue, USAGE_EVENTS_QUEUE } from '@tenantry/queues';

/** A clock the test moves by hand, shared by the API and the worker of one test file. */
export class TestClock implements Clock {
  constructor(public at: number) {}

  now(): number {
    return this.at;
  }
}

/** The usage-events queue of this test run (same Redis prefix as the app). */
export function usageEventsQueue(): Queue {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return new SafeQueue(USAGE_EVENTS_QUEUE, {
    connection: { host: url.hostname, port: Number(url.port || 6379) },
    prefix: `{${process.env.REDIS_KEY_PREFIX}}`,
  });
}

/** Batches not yet applied: waiting, active, delayed (a retry) or prioritized. */
export async function unappliedBatches(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A tenant's rolled-up total of one metric at one granularity, read as the owner. */
export async function rolledUp(owner: postgres.Sql, tenantId: string, metric: string, granularity: 'hour' | 'day' | 'month' = 'month'): Promise<number> {
  const [row] = await owner<{ total: string | null }[]>`
    select sum(value) as total from usage_rollups where tenant_id = ${tenantId} and metric = ${metric} and granularity = ${granularity}`;
  return Number(row?.total ?? 0);
}
