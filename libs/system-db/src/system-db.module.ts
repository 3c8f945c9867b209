import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { createDatabase, DatabaseHandle } from '@tenantry/db';
import { SYSTEM_DATABASE } from './system-database';
import { SystemTransaction } from './system-transaction';

@Injectable()
class SystemDatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SYSTEM_DATABASE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}

/** The BYPASSRLS pool and the SystemTransaction over it. */
@Global()
@Module({
  providers: [
    {
      provide: SYSTEM_DATABASE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createDatabase(config.systemDatabaseUrl, {
          poolSize: config.get('SYSTEM_DB_POOL_SIZE'),
          applicationName: 'tenantry-system',
          metricsPool: 'system',
          prepare: config.get('DB_PREPARE'),
          acquireTimeoutMs: config.get('DB_ACQUIRE_TIMEOUT_MS'),
        }),
    },
    SystemDatabaseLifecycle,
    SystemTransaction,
  ],
  exports: [SystemTransaction],
})
export class SystemDbModule {}
