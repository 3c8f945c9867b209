import type { Request, Response } from 'express';
import { httpRequestDuration } from '@tenantry/metrics';

/**
 * Times a request; call the returned function when the response is finished: it labels the
 * duration by route template (`unmatched` when no route took it). Started by the request
 * middleware (request-context/request-context.module.ts), one layer for everything a request is
 * observed by.
 */
export function timeRequest(request: Request, response: Response): () => void {
  const stop = httpRequestDuration.startTimer();
  return () => {
    const route = (request as Request & { route?: { path?: string } }).route?.path;
    stop({ method: request.method, route: route ? `${request.baseUrl}${route}` : 'unmatched', status: String(response.statusCode) });
  };
}
