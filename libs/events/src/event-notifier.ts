import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** The Redis channel on which processes say "events committed"; the worker's dispatcher listens. */
export const eventsCommittedChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:events-committed`;

/**
 * Tells the webhook dispatcher, after a commit, that there are events to dispatch, so they leave
 * at once rather than at its next poll. Only a hint: all the commits of one event-loop turn make
 * one publish, a failed publish is logged, and the dispatcher's poll finds every event anyway.
 */
@Injectable()
export class EventNotifier {
  private readonly logger = new Logger(EventNotifier.name);
  private isScheduled = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  committed(): void {
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => {
      this.isScheduled = false;
      if (this.redis.status !== 'ready') return;
      this.redis.publish(eventsCommittedChannel(this.config), '1').catch((error: Error) => this.logger.warn(`could not announce committed events: ${error.message}`));
    });
  }
}
