import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

import { TooManyRequestsException } from '@tenantry/errors';

/**
 * Counts failed logins in Redis per account (scope + email) and per client IP. Past either limit,
 * logins answer 429 with Retry-After until the window passes; a success clears the account's count.
 * If Redis is unreachable, logins are not throttled (and the outage is logged) rather than refused.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly byAccount: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    const window = config.get('LOGIN_FAILURE_WINDOW');
    const prefix = `${config.get('REDIS_KEY_PREFIX')}:login-failures`;
    this.byAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:account`,
      points: config.get('LOGIN_MAX_FAILURES_PER_ACCOUNT'),
      duration: window,
    });
    this.byIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:ip`,
      points: config.get('LOGIN_MAX_FAILURES_PER_IP'),
      duration: window,
    });
  }

  /** Throws 429 when the account or the IP has used up its failures. */
  async assertAllowed(account: string, ip: string): Promise<void> {
    const [accountState, ipState] = await this.safely(() => Promise.all([this.byAccount.get(account), this.byIp.get(ip)]), [null, null]);
    const blocked = [
      [accountState, this.byAccount.points],
      [ipState, this.byIp.points],
    ].filter(([state, points]) => state && (state as RateLimiterRes).consumedPoints >= (points as number));
    if (blocked.length > 0) {
      const waitMs = Math.max(...blocked.map(([state]) => (state as RateLimiterRes).msBeforeNext));
      throw new TooManyRequestsException('Too many failed logins; retry later', Math.ceil(waitMs / 1000));
    }
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    await this.safely(
      () => Promise.all([this.byAccount.penalty(account, 1), this.byIp.penalty(ip, 1)]),
      undefined,
    );
  }

  async recordSuccess(account: string): Promise<void> {
    await this.safely(() => this.byAccount.delete(account), undefined);
  }

  private async safely<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn(`login throttle unavailable, not throttling: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  }
}
