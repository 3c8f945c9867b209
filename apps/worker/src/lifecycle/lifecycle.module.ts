import { Module } from '@nestjs/common';
import { QueuesModule } from '@tenantry/queues';
import { SystemDbModule } from '@tenantry/system-db';
import { AuditRetention } from './audit-retention';
import { LifecycleProcessors } from './lifecycle.processors';
import { PurgeSweep } from './purge-sweep';
import { TenantExporter } from './tenant-exporter';
import { TenantPurger } from './tenant-purger';

/** Tenant lifecycle jobs: purge of deleted tenants (and the sweep that queues missed purges), NDJSON export. */
@Module({
  imports: [SystemDbModule, QueuesModule],
  providers: [TenantPurger, TenantExporter, AuditRetention, PurgeSweep, LifecycleProcessors],
  exports: [TenantPurger, TenantExporter, AuditRetention, PurgeSweep],
})
export class LifecycleModule {}
