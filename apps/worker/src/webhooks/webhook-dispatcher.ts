import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { DISPATCHER_AWAKE_MS, DISPATCHER_AWAKE_POLL_MS, eventsCommittedChannel } from '@tenantry/events';
import { Clock, CLOCK } from '@tenantry/metering';
import { watchWebhookBacklog } from '@tenantry/metrics';
import { REDIS } from '@tenantry/redis';
import { WebhookDeliveryLoop } from './webhook-delivery-loop';
import { WebhookDispatchRepository } from './webhook-dispatch.repository';

const BATCH_SIZE = 500;

/**
 * Turns committed events into due deliveries, then wakes the delivery loop, which claims them
 * (and deliveries due again: retries, replays, run-out leases). It runs on every "events
 * committed" hint (Redis pub/sub, from the process that committed), every
 * WEBHOOK_DISPATCH_INTERVAL_MS whatever happens, so an event committed while Redis or every worker
 * was down is dispatched once they are back (the database holds the truth), and, while events
 * flow, every DISPATCHER_AWAKE_POLL_MS until DISPATCHER_AWAKE_MS after the last pass that found
 * any: the commits that follow a hint send none of their own (see HINT_INTERVAL_MS).
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private isAgainWanted = false;
  private isStopped = false;
  /** Until when (Date.now()) this dispatcher looks again soon after each pass: see DISPATCHER_AWAKE_MS. */
  private awakeUntil = 0;
  private lookAgain?: NodeJS.Timeout;
  private unwatchBacklog?: () => void;

  constructor(
    private readonly repository: WebhookDispatchRepository,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly deliveries: WebhookDeliveryLoop,
  ) {}

  onModuleInit(): void {
    const channel = eventsCommittedChannel(this.config);
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.subscribe(channel).catch((error: Error) => this.logger.warn(`no committed-events hints (${error.message}); polling only`));
    this.subscriber.on('message', () => this.wake());
    this.timer = setInterval(() => this.wake(), this.config.get('WEBHOOK_DISPATCH_INTERVAL_MS'));
    this.unwatchBacklog = watchWebhookBacklog(() => this.repository.backlog(new Date(this.clock.now())));
    this.wake();
  }

  /** Runs a pass now, or one more right after the pass under way. */
  wake(): void {
    if (this.isStopped) return;
    if (this.running) {
      this.isAgainWanted = true;
      return;
    }
    clearTimeout(this.lookAgain);
    this.lookAgain = undefined;
    const startedAt = Date.now();
    this.running = this.pass()
      .then((events) => {
        if (events > 0) this.awakeUntil = Date.now() + DISPATCHER_AWAKE_MS;
      })
      .catch((error: Error) => this.logger.error(`webhook dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        this.deliveries.wake();
        if (this.isAgainWanted) {
          this.isAgainWanted = false;
          this.wake();
        } else if (!this.isStopped && Date.now() < this.awakeUntil) {
          // DISPATCHER_AWAKE_POLL_MS after this pass began: a pass that took longer is followed at once.
          this.lookAgain = setTimeout(() => this.wake(), Math.max(0, startedAt + DISPATCHER_AWAKE_POLL_MS - Date.now()));
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
      this.deliveries.wake();
    }
  }

  /** Fans out every committed event; how many there were. */
  private async pass(): Promise<number> {
    let total = 0;
    for (;;) {
      const { events } = await this.repository.dispatch(BATCH_SIZE, new Date(this.clock.now()));
      total += events;
      // The first deliveries go out while the rest of a backlog is fanned out.
      this.deliveries.wake();
      if (events < BATCH_SIZE) return total;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    clearTimeout(this.lookAgain);
    this.unwatchBacklog?.();
    await this.running?.catch(() => undefined);
    this.subscriber?.disconnect();
  }
}
