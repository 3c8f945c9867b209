import { IsString, MaxLength, MinLength } from 'class-validator';
import type { ScimToken } from '@tenantry/db';
import { Trim } from '../../validation';

export class CreateScimTokenDto {
  /** Which directory uses it. @example "Okta provisioning" */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

/** A SCIM token as the API answers it: never the secret, which only the create answer shows. */
export class ScimTokenResponse {
  /** @example "5e8f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b" */
  id: string;

  /** @example "Okta provisioning" */
  name: string;

  /** The token's first 12 characters, to tell tokens apart. @example "scim_Zm9vYmF" */
  prefix: string;

  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  createdBy: string | null;

  /** Updated at most once a minute. */
  lastUsedAt: Date | null;

  /** Set once revoked: the token no longer works. */
  revokedAt: Date | null;

  createdAt: Date;
}

/** The answer of POST /v1/tenant/scim/tokens: with the bearer token, shown this once. */
export class CreatedScimTokenResponse extends ScimTokenResponse {
  /** For `Authorization: Bearer` on /scim/v2; only its hash is kept. @example "scim_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx" */
  token: string;
}

/** One page of SCIM tokens, newest first. */
export class ScimTokenPage {
  data: ScimTokenResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDVlOGYw" */
  nextCursor: string | null;
}

export function toScimTokenResponse(row: ScimToken): ScimTokenResponse {
  return { id: row.id, name: row.name, prefix: row.prefix, createdBy: row.createdBy, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt, createdAt: row.createdAt };
}
