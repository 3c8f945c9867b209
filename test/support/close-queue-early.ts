/**
 * A child process for test/e2e/queue-close-during-startup: a BullMQ queue whose Redis accepts the
 * connection and drops it before the ready check answers, closed right after its first error, as
 * shutdown does when Redis goes away. Argument `plain` uses BullMQ's Queue, `safe` the product's.
 * Prints `survived` and exits 0 when the process outlives the queue's late start-up failure.
 */
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { SafeQueue } from '@tenantry/queues';

async function main(): Promise<void> {
  const dropping = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
  const port = (dropping.address() as { port: number }).port;
  const options = { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: 1, enableOfflineQueue: false }, prefix: '{close-early}' };
  const queue = process.argv[2] === 'plain' ? new Queue('q', options) : new SafeQueue('q', options);
  await new Promise<void>((resolve) => queue.once('error', () => resolve()));
  await queue.close();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  dropping.close();
  console.log('survived');
}

void main();
