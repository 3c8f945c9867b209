import { INestApplication, NestApplicationOptions, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppConfig } from '@tenantry/config';
import { mountConsole } from './console/mount-console';
import { AppExceptionFilter } from './errors/app-exception.filter';
import { answerClientErrors, collectHeaders } from './http-edge/client-errors';
import { answerJsonDirectly } from './http-edge/json-reply';
import { requestEdge } from './http-edge/request-edge';
import { applyServerLimits } from './http-edge/server-limits';
import { openApiDocument } from './openapi/openapi-document';
import { mountQueueDashboard } from './queue-dashboard/mount-queue-dashboard';

/** `trust proxy` from config: so audit IPs and throttles see the client, not the proxy. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * The options every API application is created with (with its own logger options beside them):
 * the request edge parses bodies itself, so Nest must not add its own JSON and form parsers
 * behind it (two more layers every request would pass through; the form parser, extended, on
 * every path).
 */
export const API_APP_OPTIONS = { bodyParser: false } as const satisfies NestApplicationOptions;

/** Everything main.ts and the e2e tests must set up identically on the Nest application. */
export function configureApp(app: INestApplication, options: { serveBuiltConsole?: boolean } = {}): INestApplication {
  // Nest adds its parsers when the application initialises, after this: refuse an API created without API_APP_OPTIONS.
  if ((app as unknown as { appOptions?: NestApplicationOptions }).appOptions?.bodyParser !== false) {
    throw new Error('create the API application with API_APP_OPTIONS: the request edge parses bodies, Nest must not add its own parsers');
  }
  const express = app as NestExpressApplication;
  const config = app.get(AppConfig);
  express.disable('x-powered-by');
  // No ETag: the API's answers are per-tenant JSON that clients do not revalidate, and Express
  // would hash every body (SHA-1) to make one.
  express.set('etag', false);
  express.set('trust proxy', trustProxy(config.get('TRUST_PROXY')));
  // The request edge, ahead of every route (the docs and the queue dashboard too), in one layer: a
  // request id and helmet's security headers (its defaults set the same ones on every response,
  // so they are collected once), JSON only (415), the parser, the shape rules (400). Refusals
  // reach the exception filter, which answers in the shared error shape.
  const securityHeaders = collectHeaders(helmet());
  app.use(requestEdge({ securityHeaders, bodyLimit: config.get('BODY_LIMIT') }));
  answerClientErrors(express.getHttpServer(), securityHeaders);
  applyServerLimits(express.getHttpServer(), {
    headersTimeoutMs: config.get('HTTP_HEADERS_TIMEOUT_MS'),
    requestTimeoutMs: config.get('HTTP_REQUEST_TIMEOUT_MS'),
    keepAliveTimeoutMs: config.get('HTTP_KEEP_ALIVE_TIMEOUT_MS'),
    maxConnections: config.get('HTTP_MAX_CONNECTIONS'),
  });
  const origins = config.get('CORS_ORIGINS')?.split(',').map((origin) => origin.trim()).filter(Boolean) ?? [];
  if (origins.length > 0) app.enableCors({ origin: origins, exposedHeaders: ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'Quota-Warning'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  // A handler's object answer in one write, without Express's res.send (see answerJsonDirectly).
  answerJsonDirectly(app.getHttpAdapter());
  app.useGlobalFilters(new AppExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  mountQueueDashboard(app);
  // apps/dev serves the console through Vite's dev server instead.
  if (options.serveBuiltConsole !== false) mountConsole(app);
  return app;
}
