import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import postgres from 'postgres';
import request from 'supertest';
import { configureApp } from '../../apps/api/src/configure-app';

export interface TestApp {
  app: INestApplication;
  /** supertest against the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** A superuser connection to the test database, for setup and for checking database state. */
  owner: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule (real PostgreSQL as tenantry_app, real Redis). `env` overrides apply to
 * this app only; since the config is read when the module graph loads, use one set per test file.
 * `override` may replace providers (e.g. the clock).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const { AppModule } = await import('../../apps/api/src/app.module');
    const moduleRef = await override(Test.createTestingModule({ imports: [AppModule] })).compile();
    const app = configureApp(moduleRef.createNestApplication({ logger: ['error', 'warn'] }));
    await app.init();
    const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 2, onnotice: () => undefined });
    const server = app.getHttpServer();
    return {
      app,
      http: () => request(server),
      owner,
      close: async () => {
        await app.close();
        await owner.end({ timeout: 5 });
      },
    };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
