import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import type { UsageBatchJobData, UsageEvent } from '@tenantry/queues';
import { randomSlug } from '../factories';
import { unappliedBatches, usageEventsQueue, waitFor } from '../support/metering';

const root = join(__dirname, '..', '..');
const BATCHES = 200;
const EVENTS_PER_BATCH = 500;
const TENANTS = 8;

/** The real worker as a child process, exactly as `npm run start:worker` runs it. */
function startWorker(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', MAIL_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/**
 * kill -9 of the worker while it applies batches, then a restart: the totals equal the events
 * sent, exactly. Batches of the dead worker come back once their lock expires (stalled jobs), and
 * any batch it had committed is found in the ledger and adds nothing the second time.
 */
describe('metering survives kill -9 of the worker', () => {
  const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 2, onnotice: () => undefined });
  const queue = usageEventsQueue();
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await queue.close();
    await owner.end();
  });

  it('ends with exact totals: nothing lost, nothing counted twice', async () => {
    const tenantIds: string[] = [];
    for (let i = 0; i < TENANTS; i += 1) {
      const [tenant] = await owner<{ id: string }[]>`insert into tenants (slug, name, plan) values (${randomSlug('crash')}, 'Crash', 'enterprise') returning id`;
      tenantIds.push(tenant!.id);
    }
    const expected = new Map(tenantIds.map((id) => [id, 0]));
    const start = Date.now();
    const batches: UsageBatchJobData[] = Array.from({ length: BATCHES }, (_, b) => ({
      batchId: randomUUID(),
      events: Array.from({ length: EVENTS_PER_BATCH }, (_, e): UsageEvent => {
        const tenantId = tenantIds[(b * EVENTS_PER_BATCH + e) % TENANTS]!;
        expected.set(tenantId, expected.get(tenantId)! + 1);
        return { eventId: randomUUID(), tenantId, metric: 'api_calls', at: start - ((b * 7919 + e) % 3) * 3_600_000, route: 'GET /v1/projects', status: 200 };
      }),
    }));
    await queue.addBulk(batches.map((data) => ({ name: 'batch', data, opts: { jobId: data.batchId, attempts: 10, backoff: { type: 'exponential', delay: 500 } } })));

    const appliedBatches = async () => {
      const [row] = await owner<{ count: number }[]>`select count(distinct batch_id)::int as count from usage_batches where tenant_id = any(${tenantIds})`;
      return row!.count;
    };
    const totals = async () => {
      const rows = await owner<{ tenant_id: string; total: string }[]>`
        select tenant_id, sum(value) as total from usage_rollups
        where tenant_id = any(${tenantIds}) and metric = 'api_calls' and granularity = 'hour' group by tenant_id`;
      return new Map(rows.map((row) => [row.tenant_id, Number(row.total)]));
    };

    const first = startWorker();
    children.push(first.child);
    await waitFor('the first worker to apply some batches', async () => (await appliedBatches()) >= 10, 60000).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const appliedBeforeCrash = await appliedBatches();
    expect(appliedBeforeCrash).toBeLessThan(BATCHES); // killed in the middle, not after the end

    const second = startWorker();
    children.push(second.child);
    await waitFor('every batch to be applied after the restart', async () => (await unappliedBatches(queue)) === 0 && (await appliedBatches()) === BATCHES, 90000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      },
    );
    const final = await totals();
    for (const id of tenantIds) expect({ tenant: id, total: final.get(id) }).toEqual({ tenant: id, total: expected.get(id) });
    const [sum] = await owner<{ total: string }[]>`
      select sum(value) as total from usage_rollups where tenant_id = any(${tenantIds}) and metric = 'api_calls' and granularity = 'month'`;
    expect(Number(sum!.total)).toBe(BATCHES * EVENTS_PER_BATCH);

    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', (code) => resolve(code)))).toBe(0);
  }, 180000);
});
