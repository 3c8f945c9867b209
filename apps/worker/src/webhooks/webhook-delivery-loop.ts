import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { Clock, CLOCK } from '@tenantry/metering';
import { webhookDeliveriesInFlight, webhookDeliveryAttempts, webhookDeliveryLatency } from '@tenantry/metrics';
import { WebhookDeliverer } from './webhook-deliverer';
import { ClaimedDelivery, SucceededAttempt, WebhookDispatchRepository } from './webhook-dispatch.repository';

/** Time for an attempt's record beyond its timeout, before its lease runs out and another worker may claim it. */
const LEASE_MARGIN_MS = 15_000;

/**
 * Delivers webhooks straight from the deliveries table, no queue between: up to
 * WEBHOOK_WORKER_CONCURRENCY attempts at once in this process, and at most
 * WEBHOOK_ENDPOINT_CONCURRENCY to one endpoint across every worker process (the claim counts every
 * live lease). Whenever slots are free it runs one transaction that records the successes since
 * the last one and claims (leases) due deliveries to fill the slots, endpoints taking turns; a
 * hanging endpoint so holds only its own few leases and other tenants' deliveries go ahead.
 * A worker killed mid-attempt leaves its leases to run out (WEBHOOK_TIMEOUT_MS + 15 s); any
 * worker then claims them again, with the same `webhook-id`.
 */
@Injectable()
export class WebhookDeliveryLoop implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryLoop.name);
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly leaseMs: number;
  /** Attempts claimed and not yet recorded (a success counts until its batch is written). */
  private inFlight = 0;
  private readonly attempts = new Set<Promise<void>>();
  private succeeded: { success: SucceededAttempt; eventOccurredAt: Date; answeredAt: number }[] = [];
  private running?: Promise<void>;
  private isAgainWanted = false;
  private isWakeScheduled = false;
  private isStopped = false;

  constructor(
    private readonly repository: WebhookDispatchRepository,
    private readonly deliverer: WebhookDeliverer,
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.concurrency = config.get('WEBHOOK_WORKER_CONCURRENCY');
    this.perEndpoint = config.get('WEBHOOK_ENDPOINT_CONCURRENCY');
    this.leaseMs = config.get('WEBHOOK_TIMEOUT_MS') + LEASE_MARGIN_MS;
  }

  /** Records what finished and fills free slots now, or once more right after the round under way. */
  wake(): void {
    if (this.running) {
      this.isAgainWanted = true;
      return;
    }
    this.running = this.fill()
      .catch((error: Error) => this.logger.error(`webhook delivery claim failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.isAgainWanted && !this.isStopped) {
          this.isAgainWanted = false;
          this.wake();
        }
      });
  }

  /** A wake on the next turn of the event loop: the attempts finishing meanwhile are recorded together. */
  private wakeSoon(): void {
    if (this.isWakeScheduled) return;
    this.isWakeScheduled = true;
    setImmediate(() => {
      this.isWakeScheduled = false;
      this.wake();
    });
  }

  private async fill(): Promise<void> {
    for (;;) {
      const succeeded = this.succeeded;
      this.succeeded = [];
      const free = this.isStopped ? 0 : this.concurrency - (this.inFlight - succeeded.length);
      if (succeeded.length === 0 && free <= 0) return;
      const now = this.clock.now();
      let result: Awaited<ReturnType<WebhookDispatchRepository['recordAndClaim']>>;
      try {
        result = await this.repository.recordAndClaim(
          succeeded.map((entry) => entry.success),
          { limit: free, perEndpoint: this.perEndpoint, now: new Date(now), leaseUntil: new Date(now + this.leaseMs) },
        );
      } catch (error) {
        // Not recorded: kept for the next round (their leases hold meanwhile).
        this.succeeded.unshift(...succeeded);
        throw error;
      }
      this.inFlight -= succeeded.length;
      for (const entry of succeeded) {
        // Another copy of the attempt recorded first: its outcome stands, and it was counted then.
        if (!result.recorded.has(entry.success.deliveryId)) {
          webhookDeliveryAttempts.inc({ outcome: 'stale' });
          continue;
        }
        webhookDeliveryAttempts.inc({ outcome: 'succeeded' });
        webhookDeliveryLatency.observe(Math.max(0, entry.answeredAt - entry.eventOccurredAt.getTime()) / 1000);
      }
      for (const delivery of result.claimed) this.start(delivery);
      webhookDeliveriesInFlight.set(this.inFlight);
      // Slots still free and the claim filled all it asked for: more may be due.
      if (result.claimed.length < free || this.isStopped) {
        if (this.succeeded.length === 0) return;
      }
    }
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight += 1;
    const attempt = this.deliverer.attempt(delivery).then(
      (result) => {
        if (result.outcome === 'succeeded') {
          // Its slot stays taken until the success is written, with the others of its round.
          this.succeeded.push({ success: result.success, eventOccurredAt: delivery.eventOccurredAt, answeredAt: Date.now() });
          return;
        }
        this.inFlight -= 1;
        webhookDeliveryAttempts.inc({ outcome: result.outcome });
      },
      (error: Error) => {
        // Nothing recorded: the lease runs out and a later claim tries again.
        this.inFlight -= 1;
        this.logger.error(`webhook delivery ${delivery.deliveryId} of tenant ${delivery.tenantId}: ${error.message}`);
      },
    );
    const tracked = attempt.finally(() => {
      this.attempts.delete(tracked);
      this.wakeSoon();
    });
    this.attempts.add(tracked);
  }

  /** Claims nothing more, lets the attempts under way finish (each bounded by the timeout) and records them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    while (this.running || this.attempts.size > 0) {
      await this.running;
      await Promise.all([...this.attempts]);
    }
    if (this.succeeded.length > 0) {
      this.running = this.fill().catch((error: Error) => this.logger.warn(`webhook successes not recorded at shutdown (${error.message}); their leases run out and they are sent again`));
      await this.running;
      this.running = undefined;
    }
    webhookDeliveriesInFlight.set(0);
    this.deliverer.close();
  }
}
