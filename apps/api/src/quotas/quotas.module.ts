import { Module } from '@nestjs/common';
import { UsageModule } from '../usage/usage.module';
import { QuotasController } from './quotas.controller';
import { QuotasRepository } from './quotas.repository';

/** GET /v1/quotas: limits and usage, for any member of the tenant. */
@Module({ imports: [UsageModule], controllers: [QuotasController], providers: [QuotasRepository] })
export class QuotasModule {}
