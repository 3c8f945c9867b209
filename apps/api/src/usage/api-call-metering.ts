import type { Request, Response } from 'express';
import { API_CALLS_METRIC, UsageRecorder } from '@tenantry/metering';
import { rateLimitState } from '@tenantry/plans';
import type { Principal } from '@tenantry/tenancy';

/**
 * Every authenticated tenant request becomes one `api_calls` event with its route template and
 * status, recorded when the response is finished (the request middleware calls this on
 * `finish`): in memory, no I/O on the request path. Requests the rate limit or the monthly quota
 * refused are not calls: counting them would let a retrying client use up its month with refusals
 * (and keep itself blocked).
 */
export function meterApiCall(recorder: UsageRecorder, request: Request & { user?: Principal }, response: Response): void {
  const principal = request.user;
  if (principal?.kind !== 'tenant' || rateLimitState(response).isRefused) return;
  const route = (request as Request & { route?: { path?: string } }).route?.path;
  recorder.record(principal.tenantId, API_CALLS_METRIC, {
    route: route ? `${request.method} ${request.baseUrl}${route}` : request.method,
    status: response.statusCode,
  });
}
