import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AppConfig } from '@tenantry/config';
import { Public } from '@tenantry/auth';
import { metricsRegistry, scrapeMetrics } from '@tenantry/metrics';

/** Prometheus text format, for scrapers holding METRICS_TOKEN only. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'No `Authorization: Bearer <METRICS_TOKEN>`, or a wrong one' })
  @ApiNotFoundResponse({ description: 'METRICS_TOKEN is unset: metrics are off' })
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    return scrapeMetrics(this.config, authorization);
  }
}
