import { Module } from '@nestjs/common';
import { SystemDbModule } from '@tenantry/system-db';
import { AuditRetention } from './audit-retention';
import { LifecycleProcessors } from './lifecycle.processors';
import { TenantExporter } from './tenant-exporter';
import { TenantPurger } from './tenant-purger';

/** Tenant lifecycle jobs: purge of deleted tenants, NDJSON export. */
@Module({
  imports: [SystemDbModule],
  providers: [TenantPurger, TenantExporter, AuditRetention, LifecycleProcessors],
  exports: [TenantPurger, TenantExporter, AuditRetention],
})
export class LifecycleModule {}
