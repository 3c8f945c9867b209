import { Module } from '@nestjs/common';
import { SystemDbModule } from '@tenantry/system-db';
import { AdminAuthController } from './admin-auth.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { AdminTenantsController } from './admin-tenants.controller';

/** The operator's console API: the one module of the API that uses the system (BYPASSRLS) pool. */
@Module({
  imports: [SystemDbModule],
  controllers: [AdminAuthController, AdminTenantsController],
  providers: [AdminRepository, AdminService],
})
export class AdminModule {}
