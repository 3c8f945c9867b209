import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { AuditInterceptor, AuditModule } from '@tenantry/audit';
import { AccessGuard, AuthenticationGuard, AuthModule } from '@tenantry/auth';
import { AppConfigModule } from '@tenantry/config';
import { DbModule } from '@tenantry/db';
import { PlansModule } from '@tenantry/plans';
import { QueuesModule } from '@tenantry/queues';
import { RedisModule } from '@tenantry/redis';
import { TenancyModule, TenantRequestInterceptor } from '@tenantry/tenancy';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditLogsModule } from './audit-logs/audit-logs.module';
import { AuthApiModule } from './auth/auth-api.module';
import { HealthModule } from './health/health.module';
import { exposeRequestId, requestIdOf } from './request-context/request-id';
import { ProjectsModule } from './projects/projects.module';
import { TasksModule } from './tasks/tasks.module';
import { TenantModule } from './tenant/tenant.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true, generateId: true, idGenerator: requestIdOf, setup: exposeRequestId },
    }),
    AuditModule,
    DbModule,
    RedisModule,
    TenancyModule,
    PlansModule,
    QueuesModule,
    AuthModule,
    HealthModule,
    AuthApiModule,
    AdminModule,
    ProjectsModule,
    TasksModule,
    UsersModule,
    ApiKeysModule,
    TenantModule,
    AuditLogsModule,
  ],
  providers: [
    // Order matters: authenticate, then decide access, then open the tenant transaction.
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: AccessGuard },
    { provide: APP_INTERCEPTOR, useExisting: TenantRequestInterceptor },
    // Inside the tenant transaction: the audit row commits with the change or not at all.
    { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
  ],
})
export class AppModule {}
