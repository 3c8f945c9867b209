import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * 429 that carries its Retry-After, for every refusal of the kind "not now": the login throttle,
 * the rate limiter and the monthly quota. The API's exception filter writes the header.
 */
export class TooManyRequestsException extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
