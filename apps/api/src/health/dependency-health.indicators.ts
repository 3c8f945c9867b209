import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';
import { probeDependency, REDIS } from '@tenantry/redis';

@Injectable()
export class DependencyHealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(APP_DATABASE) private readonly database: DatabaseHandle,
    @Inject(REDIS) private readonly redisClient: Redis,
  ) {}

  postgres() {
    return probeDependency(this.health, 'postgres', 'PostgreSQL', () => this.database.client`select 1`);
  }

  redis() {
    return probeDependency(this.health, 'redis', 'Redis', () => this.redisClient.ping());
  }
}
