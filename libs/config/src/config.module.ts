import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';

/**
 * The environment is read and validated when forRoot() is called, i.e. when the application's
 * root module loads, never merely by importing this lib.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          cache: true,
          validate: (raw) => ({ ...validateEnvironment(raw) }),
        }),
      ],
      providers: [AppConfig],
      exports: [AppConfig],
    };
  }
}
