import { Controller, Get, Header, Headers, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { Public } from '@tenantry/auth';
import { metricsRegistry } from '@tenantry/metrics';

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

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
    const token = this.config.get('METRICS_TOKEN');
    if (!token) throw new NotFoundException();
    if (!sameSecret(authorization ?? '', `Bearer ${token}`)) throw new UnauthorizedException('A metrics token is required');
    return metricsRegistry.metrics();
  }
}
