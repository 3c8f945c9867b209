import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';

/** GET /v1/usage. Every tenant request is metered by the request middleware (request-context). */
@Module({ controllers: [UsageController], providers: [UsageRepository], exports: [UsageRepository] })
export class UsageModule {}
