import { Module } from '@nestjs/common';
import { SecretsModule } from '@tenantry/secrets';
import { TenantSecretsController } from './tenant-secrets.controller';

/** The HTTP face of the tenant secret store (@tenantry/secrets). */
@Module({
  imports: [SecretsModule],
  controllers: [TenantSecretsController],
})
export class TenantSecretsModule {}
