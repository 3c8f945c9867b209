import { Global, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CLS_ID, CLS_REQ, ClsModule, ClsService } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppConfig } from '@tenantry/config';
import { exposeRequestId, requestIdOf } from './request-id';
import { createAppLogger, logRequests } from './request-logging';

/** The process's pino logger (see createAppLogger); tests may override it to read the lines. */
export const APP_LOGGER = Symbol('APP_LOGGER');

/**
 * What every request starts with: its nestjs-cls context (the request id, the request for the
 * audit trail) and its log line. ClsService comes from the plain ClsModule and the context is
 * entered here with `cls.run()`, rather than through ClsModule.forRoot, whose root module also
 * registers a global guard and a global interceptor that do nothing here but cost every request
 * a layer of Nest's pipeline, and whose middleware resolves proxy providers (a dynamic require)
 * and plugin hooks on every request; the product uses neither.
 */
@Global()
@Module({
  imports: [ClsModule],
  providers: [{ provide: APP_LOGGER, inject: [AppConfig], useFactory: (config: AppConfig) => createAppLogger(config) }],
  exports: [ClsModule, APP_LOGGER],
})
export class RequestContextModule implements NestModule {
  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly cls: ClsService,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const cls = this.cls;
    const enterContext = (request: Request, response: Response, next: NextFunction) =>
      cls.run(() => {
        cls.set(CLS_ID, requestIdOf(request));
        cls.set(CLS_REQ, request);
        exposeRequestId(cls, request, response);
        next();
      });
    consumer.apply(enterContext, logRequests(this.logger)).forRoutes('*');
  }
}
