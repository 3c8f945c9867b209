import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@tenantry/config';
import { TooManyRequestsException } from '@tenantry/errors';
import { REDIS } from '@tenantry/redis';

/**
 * Hourly budgets of the public account routes, in Redis: signups per client IP, and mails
 * (verification resends, password resets) per address and per IP. Every request counts, whether
 * or not the account exists, so the 429 tells nothing about it. Redis down: not throttled (logged).
 */
@Injectable()
export class AccountMailThrottle {
  private readonly logger = new Logger(AccountMailThrottle.name);
  private readonly signupsByIp: RateLimiterRedis;
  private readonly mailsByAddress: RateLimiterRedis;
  private readonly mailsByIp: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    const prefix = `${config.get('REDIS_KEY_PREFIX')}:account-throttle`;
    const limiter = (name: string, points: number) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${name}`, points, duration: 3600 });
    this.signupsByIp = limiter('signup-ip', config.get('SIGNUP_MAX_PER_IP'));
    this.mailsByAddress = limiter('mail-address', config.get('ACCOUNT_MAIL_MAX_PER_ADDRESS'));
    this.mailsByIp = limiter('mail-ip', config.get('ACCOUNT_MAIL_MAX_PER_IP'));
  }

  async consumeSignup(ip: string): Promise<void> {
    await this.consume([[this.signupsByIp, ip]], 'Too many signups from this address; retry later');
  }

  /** `address` is scoped by the caller (`<tenant slug>:<email>`, `admin:<email>`). */
  async consumeMail(address: string, ip: string): Promise<void> {
    await this.consume([[this.mailsByAddress, address], [this.mailsByIp, ip]], 'Too many requests for this account; retry later');
  }

  private async consume(limits: [RateLimiterRedis, string][], message: string): Promise<void> {
    let refusal: RateLimiterRes | undefined;
    for (const [limiter, key] of limits) {
      try {
        await limiter.consume(key, 1);
      } catch (error) {
        if (error instanceof RateLimiterRes) refusal = refusal && refusal.msBeforeNext > error.msBeforeNext ? refusal : error;
        else this.logger.warn(`account throttle unavailable, not throttling: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (refusal) throw new TooManyRequestsException(message, Math.ceil(refusal.msBeforeNext / 1000));
  }
}

/** Answers no sooner than `floorMs` after `started`: a known and an unknown account take the same time. */
export async function answerNoSoonerThan(started: number, floorMs: number): Promise<void> {
  const remaining = started + floorMs - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
}
