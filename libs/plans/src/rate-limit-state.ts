import type { Response } from 'express';
import type { RateLimitDecision } from './rate-limiter';

/**
 * What the rate-limit interceptor decided about a request, kept on its response for those who
 * read it later in the same request (the quotas answer, the API-call metering). Read and written
 * only through these functions, never as raw `response.locals` keys.
 */
export interface RateLimitState {
  /** The bucket's answer; unset when the tenant has no rate limit or quota, or before the check. */
  decision?: RateLimitDecision;
  /** The rate limit or the monthly quota refused the request (it is then not an API call). */
  isRefused: boolean;
}

const KEY = 'tenantryRateLimit';

type Locals = Record<string, unknown> & { [KEY]?: RateLimitState };

/** The request's rate-limit state (created empty on first use). */
export function rateLimitState(response: Response): RateLimitState {
  const locals = response.locals as Locals;
  return (locals[KEY] ??= { isRefused: false });
}
