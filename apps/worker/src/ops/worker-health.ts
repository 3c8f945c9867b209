import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'drizzle-orm';
import Redis from 'ioredis';
import { probeDependency, REDIS } from '@tenantry/redis';
import { SystemTransaction } from '@tenantry/system-db';

/** Set on SIGTERM: readiness turns 503 while the current jobs finish. */
@Injectable()
export class WorkerDrainState {
  isDraining = false;

  constructor(private readonly health: HealthIndicatorService) {}

  check() {
    const indicator = this.health.check('shutdown');
    return this.isDraining ? indicator.down({ message: 'shutting down' }) : indicator.up();
  }
}

/** What the worker needs to take jobs: the system pool (its sweeps) and Redis (its queues). */
@Injectable()
export class WorkerDependencyIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly system: SystemTransaction,
    @Inject(REDIS) private readonly redisClient: Redis,
  ) {}

  postgres() {
    return probeDependency(this.health, 'postgres', 'PostgreSQL', () => this.system.run((tx) => tx.execute(sql`select 1`)));
  }

  redis() {
    return probeDependency(this.health, 'redis', 'Redis', () => this.redisClient.ping());
  }
}

/** The worker's probes, in the API's answer shape (@nestjs/terminus): 200, or 503 naming what failed. */
@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: WorkerDependencyIndicators,
    private readonly drain: WorkerDrainState,
  ) {}

  /** 200 while the process runs. */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  live() {
    return this.health.check([]);
  }

  /** 200 when the system pool and Redis answer; 503 while shutting down or when one is down. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  ready() {
    return this.health.check([() => this.drain.check(), () => this.dependencies.postgres(), () => this.dependencies.redis()]);
  }
}
