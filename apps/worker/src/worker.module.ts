import { Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';
import { AuditModule } from '@tenantry/audit';
import { AppConfigModule } from '@tenantry/config';
import { DbModule } from '@tenantry/db';
import { EventsModule } from '@tenantry/events';
import { MailModule } from '@tenantry/mail';
import { MeteringModule } from '@tenantry/metering';
import { JobSchedulesModule } from '@tenantry/queues';
import { RedisModule } from '@tenantry/redis';
import { TenancyModule } from '@tenantry/tenancy';
import { WorkerEventsModule } from './events/events.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { WorkerMailModule } from './mail/mail.module';
import { WorkerMeteringModule } from './metering/metering.module';
import { WorkerWebhooksModule } from './webhooks/webhooks.module';

/** The background process: BullMQ consumers, each job in its own tenant transaction or sweep. */
@Module({
  imports: [
    AppConfigModule.forRoot(),
    ClsModule.forRoot({ global: true }),
    DbModule,
    RedisModule,
    JobSchedulesModule,
    TenancyModule,
    AuditModule,
    MeteringModule,
    EventsModule,
    MailModule,
    LifecycleModule,
    WorkerMeteringModule,
    WorkerEventsModule,
    WorkerMailModule,
    WorkerWebhooksModule,
  ],
})
export class WorkerModule {}
