/** What an operator reads off a load run: answers by status, requests without one, and how long answers took. */
export interface LoadFigures {
  sent: number;
  statuses: Record<number, number>;
  /** Requests that got no HTTP answer, by error (`timeout` after UNANSWERED_AFTER_MS). */
  errors: Record<string, number>;
  /** Answers slower than SLOW_MS, and the slowest. */
  slow: number;
  maxLatencyMs: number;
  /** 503 answers without a Retry-After header. */
  missingRetryAfter: number;
  /** Answers with a status (what the API meters as api_calls for a tenant request). */
  answered: number;
  /** The first requests that got no answer: method, path, when sent (epoch ms) and the error. */
  unanswered: string[];
}

export const SLOW_MS = 10_000;
export const UNANSWERED_AFTER_MS = 30_000;

export interface LoadRequest {
  path: string;
  method?: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Checks a 2xx answer's body; a string is a problem found (e.g. another tenant's row). */
  check?: (status: number, body: unknown) => string | undefined;
}

export function emptyFigures(): LoadFigures {
  return { sent: 0, statuses: {}, errors: {}, slow: 0, maxLatencyMs: 0, missingRetryAfter: 0, answered: 0, unanswered: [] };
}

/**
 * `concurrency` loops, each sending the next request as soon as the previous one is answered,
 * until `stop()` (or `total` requests). Every request is given up to UNANSWERED_AFTER_MS.
 */
export function startLoad(base: string, concurrency: number, next: (i: number) => LoadRequest, total = Infinity) {
  const figures = emptyFigures();
  const problems: string[] = [];
  let isStopped = false;
  let counter = 0;
  const once = async (request: LoadRequest) => {
    figures.sent += 1;
    const startedAt = Date.now();
    try {
      const response = await fetch(`${base}${request.path}`, {
        method: request.method ?? 'GET',
        headers: request.body === undefined ? request.headers : { ...request.headers, 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(UNANSWERED_AFTER_MS),
      });
      const text = await response.text();
      const latency = Date.now() - startedAt;
      figures.answered += 1;
      figures.statuses[response.status] = (figures.statuses[response.status] ?? 0) + 1;
      figures.maxLatencyMs = Math.max(figures.maxLatencyMs, latency);
      if (latency > SLOW_MS) figures.slow += 1;
      if (response.status === 503 && !response.headers.get('retry-after')) figures.missingRetryAfter += 1;
      if (request.check && response.status < 300) {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // checked as text
        }
        const problem = request.check(response.status, body);
        if (problem && problems.length < 50) problems.push(problem);
      }
    } catch (error) {
      const failure = error as Error & { cause?: { code?: string } };
      const key = failure.name === 'TimeoutError' ? 'timeout' : (failure.cause?.code ?? failure.message);
      figures.errors[key] = (figures.errors[key] ?? 0) + 1;
      if (figures.unanswered.length < 10) figures.unanswered.push(`${request.method ?? 'GET'} ${request.path.replace(/^https?:\/\/[^/]+/, '')} sent at ${startedAt}: ${key}`);
    }
  };
  const loops = Array.from({ length: concurrency }, async () => {
    while (!isStopped && counter < total) await once(next(counter++));
  });
  const done = Promise.all(loops).then(() => figures);
  return {
    figures,
    problems,
    done,
    stop: () => {
      isStopped = true;
      return done;
    },
  };
}

export const summary = (figures: LoadFigures) =>
  `sent ${figures.sent}, answered ${figures.answered} ${JSON.stringify(figures.statuses)}, unanswered ${JSON.stringify(figures.errors)}, ` +
  `slowest ${figures.maxLatencyMs} ms, over ${SLOW_MS / 1000} s ${figures.slow}, 503 without Retry-After ${figures.missingRetryAfter}` +
  (figures.unanswered.length > 0 ? `; first unanswered: ${figures.unanswered.join('; ')}` : '');
