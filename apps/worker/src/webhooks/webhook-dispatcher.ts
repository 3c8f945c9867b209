import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { DISPATCHER_AWAKE_MS, DISPATCHER_AWAKE_POLL_MAX_MS, DISPATCHER_AWAKE_POLL_MS, eventsCommittedChannel } from '@tenantry/events';
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
 * flow, on its own looks until DISPATCHER_AWAKE_MS after the last pass that found any: the commits
 * that follow a hint send none of their own (see HINT_INTERVAL_MS).
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
  /** The wait before the next look while awake: see DISPATCHER_AWAKE_MS. */
  private lookDelay = DISPATCHER_AWAKE_POLL_MS;
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

  /**
   * Runs a pass now, or one more right after the pass under way. `isLook`: an awake dispatcher's
   * own look (see DISPATCHER_AWAKE_MS), which wakes the delivery loop only when it found events.
   */
  wake(isLook = false): void {
    if (this.isStopped) return;
    if (this.running) {
      this.isAgainWanted = true;
      return;
    }
    const startedAt = this.startPass();
    this.running = this.pass().then(
      (events) => this.afterPass(startedAt, events, isLook),
      (error: Error) => {
        this.logger.error(`webhook dispatch failed: ${error.message}`);
        this.afterPass(startedAt, undefined, isLook);
      },
    );
  }

  /** One complete pass, awaited (tests and the bench drive the dispatcher with it). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    const startedAt = this.startPass();
    const pass = this.pass();
    this.running = pass.catch(() => undefined);
    let events: number | undefined;
    try {
      events = await pass;
    } finally {
      this.afterPass(startedAt, events, false);
    }
  }

  /** A pass begins: no look is due any more; when it began. */
  private startPass(): number {
    clearTimeout(this.lookAgain);
    this.lookAgain = undefined;
    return Date.now();
  }

  /**
   * After every pass: awake for DISPATCHER_AWAKE_MS more when it found events; the delivery loop
   * woken (see below); then the pass asked for meanwhile, or else, while awake, the next look.
   * `events` undefined: the pass failed, and schedules no look (the interval's poll tries again,
   * without a burst of failures).
   */
  private afterPass(startedAt: number, events: number | undefined, isLook: boolean): void {
    this.running = undefined;
    const found = events ?? 0;
    if (found > 0) {
      this.awakeUntil = Date.now() + DISPATCHER_AWAKE_MS;
      this.lookDelay = DISPATCHER_AWAKE_POLL_MS;
    } else {
      this.lookDelay = Math.min(2 * this.lookDelay, DISPATCHER_AWAKE_POLL_MAX_MS);
    }
    // A pass that found events woke the delivery loop as it fanned them out; one that found none
    // wakes it for what is due without an event (retries, replays, run-out leases), unless it was a look.
    if (found === 0 && !isLook) this.deliveries.wake();
    if (this.isAgainWanted) {
      this.isAgainWanted = false;
      this.wake();
      return;
    }
    if (this.isStopped || events === undefined || Date.now() >= this.awakeUntil) return;
    // Counted from the start of this pass: a pass that took longer is followed at once.
    this.lookAgain = setTimeout(() => this.wake(true), Math.max(0, startedAt + this.lookDelay - Date.now()));
  }

  /** Fans out every committed event; how many there were. */
  private async pass(): Promise<number> {
    let total = 0;
    for (;;) {
      const { events } = await this.repository.dispatch(BATCH_SIZE, new Date(this.clock.now()));
      total += events;
      // The first deliveries go out while the rest of a backlog is fanned out.
      if (events > 0) this.deliveries.wake();
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
