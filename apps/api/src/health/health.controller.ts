import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@tenantry/auth';
import { DependencyHealthIndicators } from './dependency-health.indicators';
import { HealthReport } from './dto/health.dto';
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
  @ApiOkResponse({ type: HealthReport, description: 'The process runs (no dependency is checked)' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'The application is shutting down' })
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  live() {
    return this.health.check([]);
  }

  /** 200 when PostgreSQL and Redis answer; 503 naming what failed. */
  @ApiOkResponse({ type: HealthReport, description: 'Ready: every dependency is up' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'Not ready: shutting down, or a dependency is down (named in `error`)' })
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  ready() {
    return this.health.check([() => this.shutdown.check(), () => this.dependencies.postgres(), () => this.dependencies.redis()]);
  }
}
