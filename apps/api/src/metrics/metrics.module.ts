import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { httpMetrics } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

@Module({ controllers: [MetricsController] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetrics).forRoutes('*');
  }
}
