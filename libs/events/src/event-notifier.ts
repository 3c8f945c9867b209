import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * At most one hint per this many milliseconds from one process: under load the commits of that
 * window make one publish, which is all the dispatcher needs (it fans out every committed event it
 * finds, not one per hint), while a lone commit's hint leaves at once.
 */
export const HINT_INTERVAL_MS = 10;

/**
 * Tells the webhook dispatcher, after a commit, that there are events to dispatch, so they leave
 * at once rather than at its next poll. Only a hint: the first commit after a quiet spell publishes
 * at once, the commits after it make one more publish once HINT_INTERVAL_MS have passed (one per
 * Redis round trip at the most), a failed publish is logged, and the dispatcher's poll finds every
 * event anyway.
 */
@Injectable()
export class EventNotifier {
  private readonly logger = new Logger(EventNotifier.name);
  /** A publish is scheduled or under way. */
  private isBusy = false;
  /** Commits since the publish under way began: they need one more. */
  private isAgainWanted = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  committed(): void {
    if (this.isBusy) {
      this.isAgainWanted = true;
      return;
    }
    this.isBusy = true;
    setImmediate(() => this.publish());
  }

  private publish(): void {
    this.isAgainWanted = false;
    if (this.redis.status !== 'ready') {
      this.isBusy = false;
      return;
    }
    const startedAt = Date.now();
    this.redis
      .publish(eventsCommittedChannel(this.config), '1')
      .catch((error: Error) => this.logger.warn(`could not announce committed events: ${error.message}`))
      .finally(() => {
        if (!this.isAgainWanted) {
          this.isBusy = false;
          return;
        }
        // A hint timer must not keep a stopping process alive: the dispatcher's poll covers it.
        setTimeout(() => this.publish(), Math.max(0, HINT_INTERVAL_MS - (Date.now() - startedAt))).unref();
      });
  }
}
