import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { createDatabase, DatabaseHandle } from '@tenantry/db';

/** Injection token of the BYPASSRLS pool. Only the admin module and cross-tenant sweeps use it. */
export const SYSTEM_DATABASE = Symbol('SYSTEM_DATABASE');

@Injectable()
class SystemDatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SYSTEM_DATABASE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}

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
        }),
    },
    SystemDatabaseLifecycle,
  ],
  exports: [SYSTEM_DATABASE],
})
export class SystemDbModule {}
