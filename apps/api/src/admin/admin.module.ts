import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { SystemDbModule } from '@tenantry/system-db';
import { AuthApiModule } from '../auth/auth-api.module';
import { AdminAccountController } from './admin-account.controller';
import { AdminAccountService } from './admin-account.service';
import { AdminAuthController } from './admin-auth.controller';
import { AdminMfaRepository } from './admin-mfa.repository';
import { AdminMfaService } from './admin-mfa.service';
import { AdminPasswordResetController } from './admin-password-reset.controller';
import { AdminPasswordResetRepository } from './admin-password-reset.repository';
import { AdminPasswordResetService } from './admin-password-reset.service';
import { AdminSessionsRepository } from './admin-sessions.repository';
import { AdminSessionsService } from './admin-sessions.service';
import { AdminRepository } from './admin.repository';
import { AdminTenantUsersService } from './admin-tenant-users.service';
import { AdminTenantKeysService } from './admin-tenant-keys.service';
import { AdminAuditLogsController } from './admin-audit-logs.controller';
import { AdminAuditLogsRepository } from './admin-audit-logs.repository';
import { AdminJobsController } from './admin-jobs.controller';
import { AdminPlansController } from './admin-plans.controller';
import { AdminPlansService } from './admin-plans.service';
import { AdminTenantsController } from './admin-tenants.controller';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminUsageController } from './admin-usage.controller';
import { AdminUsageRepository } from './admin-usage.repository';
import { SystemAdminPresence, SystemAdminPresenceGuard } from './system-admin-presence.guard';

/** The operator's console API: the one module of the API that uses the system (BYPASSRLS) pool. */
@Module({
  imports: [SystemDbModule, AuthApiModule, SecretsModule],
  controllers: [AdminAuthController, AdminAccountController, AdminPasswordResetController, AdminTenantsController, AdminPlansController, AdminJobsController, AdminAuditLogsController, AdminUsageController],
  providers: [AdminAccountService, AdminMfaRepository, AdminMfaService, AdminPasswordResetRepository, AdminPasswordResetService, AdminTenantKeysService, AdminTenantUsersService, AdminRepository, AdminUsageRepository, AdminAuditLogsRepository, AdminTenantsService, AdminPlansService, AdminSessionsRepository, AdminSessionsService, SystemAdminPresence, SystemAdminPresenceGuard],
  exports: [SystemAdminPresence, SystemAdminPresenceGuard, AdminSessionsService],
})
export class AdminModule {}
