/**
 * A dependency (Redis, a queue) did not answer in time or is down. The API's exception filter
 * answers it 503 in the error shape with `Retry-After`; `message` is what the client reads.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}
