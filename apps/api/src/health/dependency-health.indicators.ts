import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';
import { REDIS, withTimeout } from '@tenantry/redis';

const PROBE_TIMEOUT_MS = 2000;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

@Injectable()
export class DependencyHealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(APP_DATABASE) private readonly database: DatabaseHandle,
    @Inject(REDIS) private readonly redisClient: Redis,
  ) {}

  async postgres() {
    const indicator = this.health.check('postgres');
    try {
      await withTimeout(this.database.client`select 1`, PROBE_TIMEOUT_MS, 'PostgreSQL');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: reason(error) });
    }
  }

  async redis() {
    const indicator = this.health.check('redis');
    try {
      await withTimeout(this.redisClient.ping(), PROBE_TIMEOUT_MS, 'Redis');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: reason(error) });
    }
  }
}
