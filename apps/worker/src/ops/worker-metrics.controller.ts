import { Controller, Get, Header, Headers } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { metricsRegistry, scrapeMetrics } from '@tenantry/metrics';

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
    return scrapeMetrics(this.config, authorization);
  }
}
