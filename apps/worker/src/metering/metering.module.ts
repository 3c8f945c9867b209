import { Module } from '@nestjs/common';
import { SystemDbModule } from '@tenantry/system-db';
import { MeteringProcessors } from './metering.processors';
import { MonthlyQuotaEvaluator } from './monthly-quota.evaluator';
import { UsageRollupRepository } from './usage-rollup.repository';
import { UsageRollupService } from './usage-rollup.service';

/** Usage metering: batches of usage events summed into rollups, and monthly API-call quotas. */
@Module({
  imports: [SystemDbModule],
  providers: [UsageRollupRepository, UsageRollupService, MonthlyQuotaEvaluator, MeteringProcessors],
  exports: [UsageRollupService, MonthlyQuotaEvaluator],
})
export class WorkerMeteringModule {}
