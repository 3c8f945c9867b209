import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ApiCallMetering } from './api-call-metering.middleware';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';

/** GET /v1/usage, and the metering of every tenant request. */
@Module({ controllers: [UsageController], providers: [UsageRepository, ApiCallMetering], exports: [UsageRepository] })
export class UsageModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiCallMetering).forRoutes('*');
  }
}
