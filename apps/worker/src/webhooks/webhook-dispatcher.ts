import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { eventsCommittedChannel } from '@tenantry/events';
import { Clock, CLOCK } from '@tenantry/metering';
import { watchWebhookBacklog } from '@tenantry/metrics';
import { REDIS } from '@tenantry/redis';
import { WebhookDeliveryLoop } from './webhook-delivery-loop';
import { WebhookDispatchRepository } from './webhook-dispatch.repository';

const BATCH_SIZE = 500;

/**
 * Turns committed events into due deliveries, then wakes the delivery loop, which claims them
 * (and deliveries due again: retries, replays, run-out leases). It runs on every "events
 * committed" hint (Redis pub/sub, from the process that committed) and every
 * WEBHOOK_DISPATCH_INTERVAL_MS whatever happens, so an event committed while Redis or every worker
 * was down is dispatched once they are back: the database holds the truth.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private isAgainWanted = false;
  private isStopped = false;
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
    this.running = this.pass()
      .catch((error: Error) => this.logger.error(`webhook dispatch failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        this.deliveries.wake();
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
      this.deliveries.wake();
    }
  }

  private async pass(): Promise<void> {
    for (;;) {
      const { events } = await this.repository.dispatch(BATCH_SIZE, new Date(this.clock.now()));
      // The first deliveries go out while the rest of a backlog is fanned out.
      this.deliveries.wake();
      if (events < BATCH_SIZE) break;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    this.unwatchBacklog?.();
    await this.running?.catch(() => undefined);
    this.subscriber?.disconnect();
  }
}
