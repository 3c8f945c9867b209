import { Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';
import { AuditModule } from '@tenantry/audit';
import { AppConfigModule } from '@tenantry/config';
import { DbModule } from '@tenantry/db';
import { TenancyModule } from '@tenantry/tenancy';
import { LifecycleModule } from './lifecycle/lifecycle.module';

/** The background process: BullMQ consumers, each job in its own tenant transaction or sweep. */
@Module({
  imports: [AppConfigModule.forRoot(), ClsModule.forRoot({ global: true }), DbModule, TenancyModule, AuditModule, LifecycleModule],
})
export class WorkerModule {}
