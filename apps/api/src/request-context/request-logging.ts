import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';
import { ClsServiceManager } from 'nestjs-cls';
import type { Params } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import { AppConfig } from '@tenantry/config';
import type { Principal } from '@tenantry/tenancy';

type LoggedRequest = Request & { user?: Principal; route?: { path?: string } };

const REDACTED = '[redacted]';
const REQUEST_SECRETS = ['authorization', 'cookie', 'x-api-key'] as const;

/** The headers as they came, but credentials never reach a log line. */
function redactRequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let copy: IncomingHttpHeaders | undefined;
  for (const name of REQUEST_SECRETS) {
    if (headers[name] === undefined) continue;
    copy ??= { ...headers };
    copy[name] = REDACTED;
  }
  return copy ?? headers;
}

function redactResponseHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return headers['set-cookie'] === undefined ? headers : { ...headers, 'set-cookie': REDACTED };
}

/**
 * The process's one pino logger: Nest's own log lines (through nestjs-pino) and the request lines
 * both go to it. A line written while a request is handled carries that request's id (`req.id`).
 * Pretty, single-line output in development; JSON lines elsewhere.
 */
export function createAppLogger(config: AppConfig, destination?: pino.DestinationStream): Logger {
  const isTest = config.get('NODE_ENV') === 'test';
  const options: pino.LoggerOptions = {
    level: config.get('LOG_LEVEL') ?? (isTest ? 'silent' : 'info'),
    mixin: () => {
      const cls = ClsServiceManager.getClsService();
      const id = cls.isActive() ? cls.getId() : undefined;
      return id === undefined ? {} : { req: { id } };
    },
    transport: config.get('NODE_ENV') === 'development' && !destination ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * nestjs-pino as Nest's logger over the app logger, without its per-request middleware: the request
 * line is written by `logRequests` (no child loggers, no second AsyncLocalStorage per request).
 */
export function nestLoggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}

/** The mailed one-time tokens (`inv_`, `ev_`, `pr_`, `apr_`) are credentials: never in a log line. */
const ONE_TIME_TOKEN = /\b(inv|ev|pr|apr)_([0-9a-f-]{36}\.)?[A-Za-z0-9_-]{43}/g;
// Every such token has an underscore: a value without one is returned as it is, unscanned.
const withoutTokens = (value: string): string => (value.includes('_') ? value.replace(ONE_TIME_TOKEN, '$1_[redacted]') : value);

function loggedParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  if (params === undefined) return logged;
  for (const key of Object.keys(params)) {
    const value = params[key];
    logged[key] = typeof value === 'string' ? withoutTokens(value) : value;
  }
  return logged;
}

/**
 * One JSON line per request, written when the response is finished (or the client went away):
 * the request id the response carries, method, URL, query, route params, headers (authorization,
 * cookie and API-key headers redacted), the client's address; the status and response headers
 * (set-cookie redacted); the latency in ms; the route template, the tenant and the user or key.
 * Bodies are never logged. A 5xx is logged at `error` as "request errored".
 *
 * Returns what starts a request's line: called as the request arrives, it returns the function
 * that writes the line (call it on `finish` and on `close`; it writes once), or undefined when
 * the logger does not log at `info`.
 */
export function requestLines(logger: Logger): (request: LoggedRequest, response: Response) => (() => void) | undefined {
  return (request, response) => {
    if (!logger.isLevelEnabled('info')) return undefined;
    const startedAt = Date.now();
    let isLogged = false;
    return () => {
      if (isLogged) return;
      isLogged = true;
      const principal = request.user;
      const isFinished = !request.readableAborted && response.writableEnded;
      const line = {
        req: {
          id: String(response.getHeader('X-Request-Id') ?? ''),
          method: request.method,
          url: withoutTokens(request.originalUrl),
          query: request.query,
          params: loggedParams(request.params),
          headers: redactRequestHeaders(request.headers),
          remoteAddress: request.socket.remoteAddress,
          remotePort: request.socket.remotePort,
        },
        res: { statusCode: response.headersSent ? response.statusCode : null, headers: redactResponseHeaders(response.getHeaders()) },
        responseTime: Date.now() - startedAt,
        route: request.route?.path,
        tenantId: principal?.kind === 'tenant' ? principal.tenantId : undefined,
        actor: principal ? (principal.kind === 'tenant' ? `${principal.actorType}:${principal.subjectId}` : `system_admin:${principal.adminId}`) : undefined,
      };
      if (response.statusCode >= 500) {
        logger.error({ ...line, err: new Error(`failed with status code ${response.statusCode}`) }, 'request errored');
      } else {
        logger.info(line, isFinished ? 'request completed' : 'request aborted');
      }
    };
  };
}
