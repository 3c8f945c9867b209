import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@tenantry/audit';
import { AccessGuard, AuthenticationGuard, AuthModule } from '@tenantry/auth';
import { AppConfigModule } from '@tenantry/config';
import { LoggerModule } from 'nestjs-pino';
import { DbModule } from '@tenantry/db';
import { EventsModule } from '@tenantry/events';
import { MailModule } from '@tenantry/mail';
import { MeteringModule } from '@tenantry/metering';
import { FeatureGuard, PlansModule, RateLimitGuard } from '@tenantry/plans';
import { ObservedQueuesModule, QueuesModule } from '@tenantry/queues';
import { RedisModule } from '@tenantry/redis';
import { TenancyModule } from '@tenantry/tenancy';
import { AdminModule } from './admin/admin.module';
import { SystemAdminPresenceGuard } from './admin/system-admin-presence.guard';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditLogsModule } from './audit-logs/audit-logs.module';
import { AuthApiModule } from './auth/auth-api.module';
import { ConsoleModule } from './console/console.module';
import { ImpersonationGuard } from './auth/impersonation.guard';
import { MfaRequirementGuard } from './auth/mfa/mfa-requirement.guard';
import { EventsApiModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MeModule } from './me/me.module';
import { MetricsModule } from './metrics/metrics.module';
import { APP_LOGGER, RequestContextModule } from './request-context/request-context.module';
import { nestLoggerParams } from './request-context/request-logging';
import { OpenApiModule } from './openapi/openapi.module';
import { ProjectsModule } from './projects/projects.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { QuotasModule } from './quotas/quotas.module';
import { TasksModule } from './tasks/tasks.module';
import { TenantModule } from './tenant/tenant.module';
import { TenantSecretsModule } from './tenant-secrets/tenant-secrets.module';
import { DomainsModule } from './domains/domains.module';
import { ScimModule } from './scim/scim.module';
import { SsoModule } from './sso/sso.module';
import { UsageModule } from './usage/usage.module';
import { UsersModule } from './users/users.module';
import { InvitationsModule } from './invitations/invitations.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { SignupModule } from './signup/signup.module';
import { AccountTokensModule } from './account-tokens/account-tokens.module';
import { WebhooksApiModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    RequestContextModule,
    AuditModule,
    LoggerModule.forRootAsync({ inject: [APP_LOGGER], useFactory: nestLoggerParams }),
    DbModule,
    RedisModule,
    TenancyModule,
    MeteringModule,
    EventsModule,
    MailModule,
    PlansModule,
    QueuesModule,
    ObservedQueuesModule,
    AuthModule,
    AccountTokensModule,
    // Routes are matched in the order their modules come here: the probes and the tenant API
    // first, ahead of the sign-in, admin and dashboard routes a tenant request never takes.
    HealthModule,
    ProjectsModule,
    TasksModule,
    UsersModule,
    InvitationsModule,
    ApiKeysModule,
    TenantModule,
    TenantSecretsModule,
    DomainsModule,
    SsoModule,
    ScimModule,
    AuditLogsModule,
    EventsApiModule,
    WebhooksApiModule,
    QuotasModule,
    UsageModule,
    MetricsModule,
    AuthApiModule,
    MeModule,
    SignupModule,
    PasswordResetModule,
    AdminModule,
    ConsoleModule,
    QueueDashboardModule,
    OpenApiModule,
  ],
  providers: [
    // Order matters: authenticate (and re-check a system admin), decide access, refuse what an
    // impersonation token may not mint, check the plan's features, limit the rate,
    // then open the tenant transaction.
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: SystemAdminPresenceGuard },
    { provide: APP_GUARD, useExisting: AccessGuard },
    { provide: APP_GUARD, useExisting: ImpersonationGuard },
    { provide: APP_GUARD, useExisting: FeatureGuard },
    // The rate limit is spent before the tenant transaction opens: a limited request holds no connection.
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    // A tenant that requires MFA (or SYSTEM_ADMIN_REQUIRE_MFA) refuses who has not enrolled, after the rate limit.
    { provide: APP_GUARD, useExisting: MfaRequirementGuard },
    // No global interceptor: @TenantRequests() binds the tenant transaction to every controller
    // with a route that is not public, and @Audit the audit interceptor to its routes, inside it.
  ],
})
export class AppModule {}
