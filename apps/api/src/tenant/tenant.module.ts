import { Module } from '@nestjs/common';
import { TenantController } from './tenant.controller';
import { TenantRepository } from './tenant.repository';
import { TenantService } from './tenant.service';

/** The tenant's view of itself: profile and effective config, settings, its own exports. */
@Module({
  controllers: [TenantController],
  providers: [TenantRepository, TenantService],
})
export class TenantModule {}
