import { Test, TestingModule, TestingModuleBuilder } from '@nestjs/testing';
import type { LifecycleJob, LifecycleQueues } from '@tenantry/queues';

/** Boots the real worker (BullMQ consumers, real PostgreSQL and Redis) inside the test process. */
export async function createTestWorker(
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestingModule> {
  const { WorkerModule } = await import('../../apps/worker/src/worker.module');
  const moduleRef = await override(Test.createTestingModule({ imports: [WorkerModule] })).compile();
  moduleRef.useLogger(['error']);
  await moduleRef.init();
  return moduleRef;
}

/** Polls a job until it completes or fails (or the timeout passes). */
export async function waitForJob(queues: LifecycleQueues, jobId: string, timeoutMs = 20000): Promise<LifecycleJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queues.findJob(jobId);
    const state = await job?.getState();
    // Read the job again once it is done: the copy read before may predate its result.
    if (job && (state === 'completed' || state === 'failed')) return (await queues.findJob(jobId))!;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
