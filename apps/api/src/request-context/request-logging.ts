import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '@tenantry/config';
import type { Principal } from '@tenantry/tenancy';

type LoggedRequest = IncomingMessage & { user?: Principal; route?: { path?: string } };

/**
 * One JSON line per request (pretty in development) with the request id the response carries,
 * the tenant and the user or key, the route template, status and latency. Credentials never
 * reach a log line: authorization and cookie headers are redacted, and bodies are not logged.
 */
export function requestLogging(config: AppConfig): Params {
  const isTest = config.get('NODE_ENV') === 'test';
  return {
    pinoHttp: {
      level: config.get('LOG_LEVEL') ?? (isTest ? 'silent' : 'info'),
      genReqId: (_req: IncomingMessage, res: ServerResponse) => String(res.getHeader('X-Request-Id') ?? ''),
      customProps: (req: IncomingMessage) => {
        const request = req as LoggedRequest;
        const principal = request.user;
        return {
          route: request.route?.path,
          tenantId: principal?.kind === 'tenant' ? principal.tenantId : undefined,
          actor: principal ? (principal.kind === 'tenant' ? `${principal.actorType}:${principal.subjectId}` : `system_admin:${principal.adminId}`) : undefined,
        };
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      transport: config.get('NODE_ENV') === 'development' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  };
}
