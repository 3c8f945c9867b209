import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { meteringBufferedEvents, meteringDroppedEvents, meteringFlushLag, meteringFlushSize } from '@tenantry/metrics';
import { bullConnection, bullPrefix, SafeQueue, USAGE_EVENTS_QUEUE, UsageBatchJobData, UsageEvent } from '@tenantry/queues';
import { withTimeout } from '@tenantry/redis';
import { TenantTransaction } from '@tenantry/tenancy';
import { Clock, CLOCK } from './clock';
import { METRIC_NAME } from './usage-rollup';

/**
 * Replays are harmless (the worker's ledger), so a batch is retried every 5 s for a day: a database
 * outage or failover delays usage, it does not lose it. The ledger outlives this window.
 */
export const USAGE_BATCH_JOB_OPTIONS = {
  attempts: 17280,
  backoff: { type: 'fixed', delay: 5000 },
  removeOnComplete: true,
  removeOnFail: { count: 100000 },
} as const;

/** How long a write to the queue may take before the flush counts as failed (its batches are kept). */
const WRITE_TIMEOUT_MS = 5000;

const MAX_BATCHES_PER_WRITE = 20;

/**
 * Records usage events without touching the database or Redis on the request path: events go to
 * an in-memory buffer, and the buffer goes to the `usage-events` queue as batches (one BullMQ job
 * each, all of a flush in one round trip) at least every METERING_FLUSH_INTERVAL_MS, as soon as a
 * batch is full, and on shutdown. A batch keeps its id across retries, so a write that reached
 * Redis although the client saw an error is applied once. While Redis is down, batches wait in
 * memory up to METERING_MAX_BUFFERED events, then the oldest are dropped (counted and logged).
 * A crash loses at most the unflushed buffer: one interval's or one batch's worth of events.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private readonly isEnabled: boolean;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private buffer: UsageEvent[] = [];
  /** Batches cut from the buffer but not yet in the queue, oldest first. */
  private pending: UsageBatchJobData[] = [];
  private pendingEvents = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private client: Redis | undefined;
  private queue: Queue<UsageBatchJobData> | undefined;
  private isFailing = false;
  private isClosed = false;
  private lastDropWarningAt = 0;
  private droppedSinceWarning = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly tenantTransaction: TenantTransaction,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.isEnabled = config.get('METERING_ENABLED');
    this.batchSize = config.get('METERING_BATCH_SIZE');
    this.maxBuffered = config.get('METERING_MAX_BUFFERED');
  }

  onModuleInit(): void {
    if (!this.isEnabled) return;
    this.timer = setInterval(() => void this.flush(), this.config.get('METERING_FLUSH_INTERVAL_MS'));
    this.timer.unref();
  }

  /**
   * Records one event of `metric` for the tenant. Inside that tenant's transaction the event waits
   * for the commit: a rolled-back `projects.created` was never a project.
   */
  record(tenantId: string, metric: string, details: { route?: string; status?: number } = {}): void {
    if (!this.isEnabled) return;
    if (this.isClosed) {
      meteringDroppedEvents.inc({ reason: 'shutdown' });
      return;
    }
    if (!METRIC_NAME.test(metric)) throw new Error(`UsageRecorder.record: ${JSON.stringify(metric)} is not a metric name`);
    const event: UsageEvent = { eventId: randomUUID(), tenantId, metric, at: this.clock.now(), ...details };
    if (this.tenantTransaction.isActive && this.tenantTransaction.tenantId === tenantId) {
      this.tenantTransaction.afterCommit(() => this.push(event));
    } else {
      this.push(event);
    }
  }

  /** A domain event (`projects.created`) of the active tenant transaction's tenant, counted if it commits. */
  recordInTransaction(metric: string): void {
    this.record(this.tenantTransaction.tenantId, metric);
  }

  /** Events recorded and not yet handed to the queue. */
  get bufferedEvents(): number {
    return this.buffer.length + this.pendingEvents;
  }

  /** Writes every buffered event to the queue now; resolves when done or failed (then kept for the next try). */
  flush(): Promise<void> {
    // One write at a time: a second caller waits for the running one, then writes what is left.
    const current = (this.flushing ?? Promise.resolve()).then(() => this.writePending());
    this.flushing = current;
    void current.finally(() => {
      if (this.flushing === current) this.flushing = undefined;
    });
    return current;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    // A graceful stop loses nothing: the last flush is tried before the connection closes.
    await Promise.race([this.flush(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (this.bufferedEvents > 0) {
      meteringDroppedEvents.inc({ reason: 'shutdown' }, this.bufferedEvents);
      this.logger.error(`${this.bufferedEvents} usage events could not be written before shutdown`);
    }
    if (this.queue) await Promise.race([this.queue.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.client?.disconnect();
  }

  private push(event: UsageEvent): void {
    this.buffer.push(event);
    // Dropped before a flush starts, so the oldest waiting batches can still go.
    this.dropBeyondLimit();
    if (this.buffer.length >= this.batchSize && !this.flushing) void this.flush();
    meteringBufferedEvents.set(this.bufferedEvents);
  }

  private cutBatches(): void {
    while (this.buffer.length > 0) {
      const events = this.buffer.splice(0, this.batchSize);
      this.pending.push({ batchId: randomUUID(), events });
      this.pendingEvents += events.length;
    }
  }

  private async writePending(): Promise<void> {
    this.cutBatches();
    // Writes are serialised (see flush), so nothing else takes batches off `pending` meanwhile.
    while (this.pending.length > 0) {
      // After an outage the backlog goes out a bounded number of batches per round trip.
      const batches = this.pending.slice(0, MAX_BATCHES_PER_WRITE);
      const events = batches.reduce((sum, batch) => sum + batch.events.length, 0);
      try {
        // A write that times out may still land; its batches keep their ids, so a second write of
        // them is either ignored by the queue (same job id) or by the worker's ledger.
        await withTimeout(
          this.usageQueue().addBulk(
            batches.map((batch) => ({ name: 'batch', data: batch, opts: { ...USAGE_BATCH_JOB_OPTIONS, jobId: batch.batchId } })),
          ),
          WRITE_TIMEOUT_MS,
          'the usage queue',
        );
      } catch (error) {
        if (!this.isFailing) {
          this.logger.error(`usage events could not be queued (${error instanceof Error ? error.message : String(error)}); keeping up to ${this.maxBuffered} in memory`);
        }
        this.isFailing = true;
        break;
      } finally {
        meteringBufferedEvents.set(this.bufferedEvents);
      }
      this.pending = this.pending.slice(batches.length);
      this.pendingEvents -= events;
      meteringFlushSize.observe(events);
      meteringFlushLag.observe(Math.max(0, this.clock.now() - batches[0]!.events[0]!.at) / 1000);
      if (this.isFailing) this.logger.log('usage events reach the queue again');
      this.isFailing = false;
    }
    meteringBufferedEvents.set(this.bufferedEvents);
  }

  /** Beyond the cap, whole oldest batches go first, then the oldest buffered events. */
  private dropBeyondLimit(): void {
    let excess = this.bufferedEvents - this.maxBuffered;
    if (excess <= 0) return;
    let dropped = 0;
    while (excess > 0 && this.pending.length > 0 && !this.flushing) {
      const batch = this.pending.shift()!;
      this.pendingEvents -= batch.events.length;
      excess -= batch.events.length;
      dropped += batch.events.length;
    }
    if (excess > 0) dropped += this.buffer.splice(0, excess).length;
    meteringDroppedEvents.inc({ reason: 'buffer_full' }, dropped);
    this.droppedSinceWarning += dropped;
    // One line per ten seconds at most: during an outage this runs on every request.
    if (Date.now() - this.lastDropWarningAt >= 10_000) {
      this.logger.warn(`usage buffer full: dropped the ${this.droppedSinceWarning} oldest events`);
      this.lastDropWarningAt = Date.now();
      this.droppedSinceWarning = 0;
    }
  }

  private usageQueue(): Queue<UsageBatchJobData> {
    if (!this.queue) {
      this.client = new Redis(bullConnection(this.config, 'producer') as RedisOptions);
      this.client.on('error', () => undefined);
      this.queue = new SafeQueue<UsageBatchJobData>(USAGE_EVENTS_QUEUE, { connection: this.client, prefix: bullPrefix(this.config) });
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }
}
