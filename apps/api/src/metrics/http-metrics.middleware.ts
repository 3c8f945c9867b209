import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '@tenantry/metrics';

/** Times every request; labels it by route template (`unmatched` when no route took it). */
export function httpMetrics(request: Request, response: Response, next: NextFunction): void {
  const stop = httpRequestDuration.startTimer();
  response.once('finish', () => {
    const route = (request as Request & { route?: { path?: string } }).route?.path;
    stop({ method: request.method, route: route ? `${request.baseUrl}${route}` : 'unmatched', status: String(response.statusCode) });
  });
  next();
}
