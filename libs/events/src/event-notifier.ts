import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * At most one hint per this many milliseconds from one process: under load the commits of that
 * window make one publish, which is all the dispatcher needs (it fans out every committed event it
 * finds, not one per hint), while a lone commit's hint leaves at once. (A publish per commit cost a
 * request more CPU than writing its event: the socket write is a system call.)
 */
export const HINT_INTERVAL_MS = 10;

/**
 * Tells the webhook dispatcher, after a commit, that there are events to dispatch, so they leave
 * at once rather than at its next poll. Only a hint: the first commit after a quiet spell publishes
 * at once; the commits of the HINT_INTERVAL_MS after a publish make one more at that interval's
 * end; a failed publish is logged, and the dispatcher's poll finds every event anyway.
 */
@Injectable()
export class EventNotifier {
  private readonly logger = new Logger(EventNotifier.name);
  /** A publish is scheduled or under way, or its interval is not over. */
  private isBusy = false;
  /** Commits since the last publish began: they need one more at the interval's end. */
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
        // The rest of the interval: commits meanwhile wait for its end. The timer must not keep a
        // stopping process alive (the dispatcher's poll covers a hint never sent).
        setTimeout(() => {
          if (this.isAgainWanted) this.publish();
          else this.isBusy = false;
        }, Math.max(0, HINT_INTERVAL_MS - (Date.now() - startedAt))).unref();
      });
  }
}
