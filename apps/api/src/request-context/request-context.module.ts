import { Global, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CLS_ID, CLS_REQ, ClsModule, ClsService } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppConfig } from '@tenantry/config';
import { UsageRecorder } from '@tenantry/metering';
import { timeRequest } from '../metrics/http-metrics';
import { meterApiCall } from '../usage/api-call-metering';
import { requestIdOf } from './request-id';
import { createAppLogger, requestLines } from './request-logging';

/** The process's pino logger (see createAppLogger); tests may override it to read the lines. */
export const APP_LOGGER = Symbol('APP_LOGGER');

/**
 * What every request starts with: its nestjs-cls context (the request id, the request for the
 * audit trail), its log line, its HTTP duration metric and its API-call metering, all in one
 * middleware layer with one `finish` listener (each Nest middleware is an Express layer of its
 * own, matched and wrapped on every request). ClsService comes from the plain ClsModule and the
 * context is entered here with `cls.run()`, rather than through ClsModule.forRoot, whose root
 * module also registers a global guard and a global interceptor that do nothing here but cost
 * every request a layer of Nest's pipeline, and whose middleware resolves proxy providers (a
 * dynamic require) and plugin hooks on every request; the product uses neither.
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
    private readonly recorder: UsageRecorder,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const { cls, recorder } = this;
    const startLine = requestLines(this.logger);
    // The id was assigned (and sent back) by the request edge, before any parser or guard.
    const observeRequest = (request: Request, response: Response, next: NextFunction) =>
      cls.run(() => {
        cls.set(CLS_ID, requestIdOf(request));
        cls.set(CLS_REQ, request);
        const writeLine = startLine(request, response);
        const stopTimer = timeRequest(request, response);
        // finish and close are each emitted once per response.
        response.on('finish', () => {
          writeLine?.();
          stopTimer();
          meterApiCall(recorder, request, response);
        });
        // A client that went away: the line says "request aborted" (written once either way).
        if (writeLine) response.on('close', writeLine);
        next();
      });
    consumer.apply(observeRequest).forRoutes('*');
  }
}
