/** The answer of a login or a refresh. */
export class TokenPairResponse {
  /** A short-lived HS256 JWT for `Authorization: Bearer`. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI..." */
  accessToken: string;

  /** Single-use: refreshing rotates it; presenting a used one revokes its family. @example "rt_6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11.Zm9vYmFy..." */
  refreshToken: string;

  /** @example "Bearer" */
  tokenType: 'Bearer';

  /** Seconds the access token lasts. @example 900 */
  expiresIn: number;
}
