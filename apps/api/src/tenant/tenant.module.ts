import { Module } from '@nestjs/common';
import { MfaModule } from '../auth/mfa/mfa.module';
import { TenantController } from './tenant.controller';
import { TenantRepository } from './tenant.repository';
import { TenantService } from './tenant.service';

/** The tenant's view of itself: profile and effective config, settings, its own exports. */
@Module({
  imports: [MfaModule],
  controllers: [TenantController],
  providers: [TenantRepository, TenantService],
})
export class TenantModule {}
