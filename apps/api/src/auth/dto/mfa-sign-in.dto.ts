import { IsJWT, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../validation';

/** The second step of a sign-in: the `mfaToken` of the login and one proof, a code or a recovery code. */
export class MfaSignInDto {
  /** The `mfaToken` the login answered (5 minutes). @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI..." */
  @IsJWT()
  @MaxLength(2000)
  mfaToken: string;

  /** The 6 digits the authenticator shows now. @example "492039" */
  @Optional()
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'code must be the 6 digits of the authenticator' })
  code?: string;

  /** One of the recovery codes of the enrolment, instead of a code; each works once. @example "k7qm-2xpw-9rtd-hv4c" */
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  recoveryCode?: string;
}

/** The answer of a correct password when the account has a second factor: no tokens yet. */
export class MfaChallengeResponse {
  /** @example true */
  mfaRequired: true;

  /** For `POST /v1/auth/mfa` (or `/v1/admin/auth/mfa`) with a code; accepted nowhere else. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI..." */
  mfaToken: string;

  /** Seconds the mfa token lasts. @example 300 */
  expiresIn: number;
}
