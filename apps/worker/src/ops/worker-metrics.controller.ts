import { Controller, Get, Header, Headers, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { metricsRegistry } from '@tenantry/metrics';

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The worker's registry in Prometheus text format (queue job counts, usage rollups, webhook
 * deliveries, pools, process defaults), under the API's rule: `Authorization: Bearer
 * <METRICS_TOKEN>`, 404 while METRICS_TOKEN is unset.
 */
@Controller('metrics')
export class WorkerMetricsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.get('METRICS_TOKEN');
    if (!token) throw new NotFoundException();
    if (!sameSecret(authorization ?? '', `Bearer ${token}`)) throw new UnauthorizedException('A metrics token is required');
    return metricsRegistry.metrics();
  }
}
