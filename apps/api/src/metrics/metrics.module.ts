import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** GET /metrics. Requests are timed by the request middleware (request-context). */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
