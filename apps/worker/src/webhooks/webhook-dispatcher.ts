import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { eventsCommittedChannel } from '@tenantry/events';
import { Clock, CLOCK } from '@tenantry/metering';
import { bullConnection, bullPrefix, SafeQueue, WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJobData, webhookDeliveryJobId } from '@tenantry/queues';
import { REDIS } from '@tenantry/redis';
import { LeasedDelivery, WebhookDispatchRepository } from './webhook-dispatch.repository';

const BATCH_SIZE = 500;
/** How long a queued attempt is its job's alone; past it, the due sweep queues it again (deduplicated while the job exists). */
export const DELIVERY_LEASE_MS = 120_000;

/**
 * Turns committed events into queued deliveries, and queues deliveries that are due again. It
 * runs on every "events committed" hint (Redis pub/sub, from the process that committed) and
 * every WEBHOOK_DISPATCH_INTERVAL_MS whatever happens, so an event committed while Redis or every
 * worker was down is dispatched once they are back: the database, not the queue, holds the truth.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private queue: Queue<WebhookDeliveryJobData>;
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private isAgainWanted = false;
  private isStopped = false;

  constructor(
    private readonly repository: WebhookDispatchRepository,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.queue = new SafeQueue<WebhookDeliveryJobData>(WEBHOOK_DELIVERY_QUEUE, { connection: bullConnection(this.config, 'producer'), prefix: bullPrefix(this.config) });
    this.queue.on('error', () => undefined);
    const channel = eventsCommittedChannel(this.config);
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.subscribe(channel).catch((error: Error) => this.logger.warn(`no committed-events hints (${error.message}); polling only`));
    this.subscriber.on('message', () => this.wake());
    this.timer = setInterval(() => this.wake(), this.config.get('WEBHOOK_DISPATCH_INTERVAL_MS'));
    this.wake();
  }

  /** Runs a pass now, or one more right after the pass under way. */
  wake(): void {
    if (this.isStopped) return;
    if (this.running) {
      this.isAgainWanted = true;
      return;
    }
    this.running = this.pass()
      .catch((error: Error) => this.logger.error(`webhook dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.isAgainWanted) {
          this.isAgainWanted = false;
          this.wake();
        }
      });
  }

  /** One complete pass, awaited (tests and the bench drive the dispatcher with it). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.pass();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async pass(): Promise<void> {
    for (;;) {
      const { events, deliveries } = await this.repository.dispatch(BATCH_SIZE, this.now(), this.leaseEnd());
      await this.enqueue(deliveries);
      if (events < BATCH_SIZE) break;
    }
    for (;;) {
      const due = await this.repository.claimDue(BATCH_SIZE, this.now(), this.leaseEnd());
      await this.enqueue(due);
      if (due.length < BATCH_SIZE) break;
    }
  }

  /**
   * Queues the attempts, endpoints taking turns (one of each, then the next of each), so one
   * endpoint's burst does not queue ahead of every other endpoint's single event. Should Redis
   * refuse, the leases run out and the due sweep queues them later.
   */
  private async enqueue(deliveries: LeasedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      interleaveByEndpoint(deliveries).map((delivery) => ({
        name: 'deliver',
        data: delivery,
        opts: { jobId: webhookDeliveryJobId(delivery.deliveryId, delivery.attemptsMade), removeOnComplete: true, removeOnFail: true },
      })),
    );
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private leaseEnd(): Date {
    return new Date(this.clock.now() + DELIVERY_LEASE_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    this.subscriber?.disconnect();
    await this.queue?.close().catch(() => undefined);
  }
}

/** Round-robin over endpoints, keeping each endpoint's own order. */
export function interleaveByEndpoint<T extends { endpointId: string }>(items: readonly T[]): T[] {
  const byEndpoint = new Map<string, T[]>();
  for (const item of items) {
    const list = byEndpoint.get(item.endpointId);
    if (list) list.push(item);
    else byEndpoint.set(item.endpointId, [item]);
  }
  const lists = [...byEndpoint.values()];
  const result: T[] = [];
  for (let index = 0; result.length < items.length; index++) {
    for (const list of lists) if (index < list.length) result.push(list[index]!);
  }
  return result;
}
