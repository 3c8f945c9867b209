import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * Tells the webhook dispatcher, after a commit, that there are events to dispatch, so they leave
 * at once rather than at its next poll. Only a hint: one publish at a time, the commits made while
 * it is under way (or in the same event-loop turn) make one more after it, a failed publish is
 * logged, and the dispatcher's poll finds every event anyway. Under load a process so publishes
 * about once per Redis round trip, not once per commit; when idle a commit's hint leaves at once.
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
    this.redis
      .publish(eventsCommittedChannel(this.config), '1')
      .catch((error: Error) => this.logger.warn(`could not announce committed events: ${error.message}`))
      .finally(() => {
        if (this.isAgainWanted) setImmediate(() => this.publish());
        else this.isBusy = false;
      });
  }
}
