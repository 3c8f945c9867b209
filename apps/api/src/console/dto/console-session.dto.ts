import type { TokenPair } from '@tenantry/auth';

/**
 * The answer of a console sign-in or refresh: the access token only. The refresh token travels in
 * an HttpOnly cookie the page's scripts cannot read.
 */
export class ConsoleSessionResponse {
  /** A short-lived HS256 JWT for `Authorization: Bearer`, kept in the page's memory. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI..." */
  accessToken: string;

  /** @example "Bearer" */
  tokenType: 'Bearer';

  /** Seconds the access token lasts; refresh before then. @example 900 */
  expiresIn: number;
}

export const toConsoleSessionResponse = (pair: TokenPair): ConsoleSessionResponse => ({
  accessToken: pair.accessToken,
  tokenType: 'Bearer',
  expiresIn: pair.expiresIn,
});
