import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import postgres from 'postgres';
import request from 'supertest';
import { API_APP_OPTIONS, configureApp } from '../../apps/api/src/configure-app';

/** Who a request is from: a factory's user, admin or API key (`{ auth }`), or an `Authorization` value. */
export type Principal = { auth: string } | string;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** supertest's request builders with the `Authorization` header already set. */
export type AuthenticatedRequests = Record<(typeof METHODS)[number], (url: string) => request.Test>;

export interface TestApp {
  app: INestApplication;
  /** supertest against the app's HTTP server, with no credentials. */
  http: () => ReturnType<typeof request>;
  /** supertest as `principal`: `t.as(acme.member).post('/v1/projects').send(...)`. */
  as: (principal: Principal) => AuthenticatedRequests;
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
    const app = configureApp(moduleRef.createNestApplication({ ...API_APP_OPTIONS, logger: ['error', 'warn'] }));
    await app.init();
    const owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 2, onnotice: () => undefined });
    const server = app.getHttpServer();
    return {
      app,
      http: () => request(server),
      as: (principal) => authenticated(request(server), principal),
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

/**
 * One app for a describe block: boots it in a `beforeAll` registered where this is called (so
 * before the block's own hooks) and closes it in an `afterAll`. The handle it returns may be used
 * in hooks and tests, not while the block is being defined.
 */
export function useTestApp(
  env: Record<string, string> = {},
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(env, override);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  const started = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app exists only inside the hooks and tests of its describe block');
    return current;
  };
  return {
    get app() {
      return started().app;
    },
    get owner() {
      return started().owner;
    },
    http: () => started().http(),
    as: (principal) => started().as(principal),
    close: async () => {
      const app = started();
      current = undefined;
      await app.close();
    },
  };
}

function authenticated(agent: ReturnType<typeof request>, principal: Principal): AuthenticatedRequests {
  const authorization = typeof principal === 'string' ? principal : principal.auth;
  return Object.fromEntries(METHODS.map((method) => [method, (url: string) => agent[method](url).set('authorization', authorization)])) as AuthenticatedRequests;
}
