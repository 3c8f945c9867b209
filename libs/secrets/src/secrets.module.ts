import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { resolveMasterKeys } from './master-key-source';
import { LocalMasterKeyRing, MASTER_KEY_PROVIDER } from './master-keys';
import { TenantSecrets } from './tenant-secrets';
import { TenantSecretsRepository } from './tenant-secrets.repository';

/**
 * The tenant secret store. Import it where secrets are used (API modules, worker processors);
 * to use a KMS, bind MASTER_KEY_PROVIDER to an implementation of MasterKeyProvider instead.
 */
@Module({
  providers: [
    {
      provide: MASTER_KEY_PROVIDER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new LocalMasterKeyRing(
          resolveMasterKeys({ NODE_ENV: config.get('NODE_ENV'), MASTER_KEYS: config.get('MASTER_KEYS') }, (message) =>
            new Logger('TenantSecrets').warn(message),
          ),
        ),
    },
    TenantSecretsRepository,
    TenantSecrets,
  ],
  exports: [TenantSecrets, MASTER_KEY_PROVIDER],
})
export class SecretsModule {}
