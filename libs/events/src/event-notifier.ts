import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * A process sends at most one hint of committed events per this many milliseconds: the first
 * commit after a quiet spell hints at once, the commits of the next HINT_INTERVAL_MS send none.
 * They need none: the hint woke a dispatcher whose pass found that commit's events, and it stays
 * awake (see DISPATCHER_AWAKE_MS), finding them within DISPATCHER_AWAKE_POLL_MAX_MS. (A hint per
 * commit, or even one per 10 ms, cost a write request under load more CPU than writing its event:
 * each publish is a round trip and two system calls.)
 */
export const HINT_INTERVAL_MS = 250;

/**
 * A dispatcher whose pass found events looks again until this long after the last pass that found
 * any: DISPATCHER_AWAKE_POLL_MS after such a pass began, then twice as long after each look that
 * found none, up to DISPATCHER_AWAKE_POLL_MAX_MS. Twice HINT_INTERVAL_MS, so a commit that sent
 * no hint always comes while the dispatcher that took the last hint's events is still awake.
 */
export const DISPATCHER_AWAKE_MS = 2 * HINT_INTERVAL_MS;

/** How soon an awake dispatcher looks again after a pass that found events (see DISPATCHER_AWAKE_MS). */
export const DISPATCHER_AWAKE_POLL_MS = 10;

/** The longest an awake dispatcher waits between looks (see DISPATCHER_AWAKE_MS). */
export const DISPATCHER_AWAKE_POLL_MAX_MS = 40;

/**
 * Tells the webhook dispatcher, after a commit, that there is work: events to dispatch (at most one
 * hint per HINT_INTERVAL_MS from a process, see there), or deliveries due now that no event
 * brought (a replay: every time, since no pass finding events keeps a dispatcher awake for it).
 * Only a hint: one that cannot be sent (Redis not ready) is dropped and the next commit tries
 * again; a failed publish is logged; the dispatcher's poll finds every event and due delivery anyway.
 */
@Injectable()
export class EventNotifier {
  private readonly logger = new Logger(EventNotifier.name);
  /** When the last hint of committed events left (Date.now()). */
  private lastHintAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** After a commit that wrote events. */
  committed(): void {
    const now = Date.now();
    if (now - this.lastHintAt < HINT_INTERVAL_MS || this.redis.status !== 'ready') return;
    this.lastHintAt = now;
    this.publish();
  }

  /** After a commit that made deliveries due and wrote no event (a replay). */
  deliveriesDue(): void {
    if (this.redis.status === 'ready') this.publish();
  }

  private publish(): void {
    // After the request's own writes (its response first).
    setImmediate(() => {
      this.redis
        .publish(eventsCommittedChannel(this.config), '1')
        .catch((error: Error) => this.logger.warn(`could not announce committed events: ${error.message}`));
    });
  }
}
