import { Module } from '@nestjs/common';
import { QuotasController } from './quotas.controller';
import { QuotasRepository } from './quotas.repository';

/** GET /v1/quotas: limits and usage, for any member of the tenant. */
@Module({ controllers: [QuotasController], providers: [QuotasRepository] })
export class QuotasModule {}
