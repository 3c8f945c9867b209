import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { createDatabase, DatabaseHandle } from './database';
import { APP_DATABASE } from './tokens';

@Injectable()
class AppDatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(APP_DATABASE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}

/** The application-role pool. Repositories reach it only through TenantTransaction. */
@Global()
@Module({
  providers: [
    {
      provide: APP_DATABASE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createDatabase(config.databaseUrl, {
          poolSize: config.get('DB_POOL_SIZE'),
          applicationName: 'tenantry-app',
          metricsPool: 'app',
          statementTimeoutMs: config.get('DB_STATEMENT_TIMEOUT_MS'),
          prepare: config.get('DB_PREPARE'),
          acquireTimeoutMs: config.get('DB_ACQUIRE_TIMEOUT_MS'),
        }),
    },
    AppDatabaseLifecycle,
  ],
  exports: [APP_DATABASE],
})
export class DbModule {}
