import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@tenantry/auth';
import { DependencyHealthIndicators } from './dependency-health.indicators';
import { ShutdownState } from './shutdown-state';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealthIndicators,
    private readonly shutdown: ShutdownState,
  ) {}

  /** 200 while the process runs. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** 200 when PostgreSQL and Redis answer; 503 naming what failed. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.shutdown.check(), () => this.dependencies.postgres(), () => this.dependencies.redis()]);
  }
}
