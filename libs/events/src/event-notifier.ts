import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * A process sends at most one hint per this many milliseconds: the first commit after a quiet
 * spell hints at once, the commits of the next HINT_INTERVAL_MS send none. They need none: the
 * hint woke a dispatcher, which then stays awake (see DISPATCHER_AWAKE_MS) and finds them within
 * DISPATCHER_AWAKE_POLL_MS. (A hint per commit, or even one per 10 ms, cost a write request under
 * load more CPU than writing its event: each publish is a round trip and two system calls.)
 */
export const HINT_INTERVAL_MS = 500;

/**
 * A dispatcher whose pass found events looks again every DISPATCHER_AWAKE_POLL_MS until this long
 * after the last pass that found any. Twice HINT_INTERVAL_MS, so a commit that sent no hint always
 * comes while the dispatcher that took the last hint's events is still awake.
 */
export const DISPATCHER_AWAKE_MS = 2 * HINT_INTERVAL_MS;

/** How soon an awake dispatcher looks again (see DISPATCHER_AWAKE_MS). */
export const DISPATCHER_AWAKE_POLL_MS = 10;

/**
 * Tells the webhook dispatcher, after a commit, that there are events to dispatch, so they leave
 * at once rather than at its next poll. Only a hint: at most one per HINT_INTERVAL_MS from a
 * process (see there); a hint that cannot be sent (Redis not ready) is dropped and the next commit
 * tries again; a failed publish is logged; the dispatcher's poll finds every event anyway.
 */
@Injectable()
export class EventNotifier {
  private readonly logger = new Logger(EventNotifier.name);
  /** When the last hint left (Date.now()). */
  private lastHintAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  committed(): void {
    const now = Date.now();
    if (now - this.lastHintAt < HINT_INTERVAL_MS || this.redis.status !== 'ready') return;
    this.lastHintAt = now;
    // After the request's own writes (its response first).
    setImmediate(() => {
      this.redis
        .publish(eventsCommittedChannel(this.config), '1')
        .catch((error: Error) => this.logger.warn(`could not announce committed events: ${error.message}`));
    });
  }
}
