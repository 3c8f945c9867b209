import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { type ApiKey, TENANT_ROLES, TenantRole } from '@tenantry/db';
import { Trim } from '../../validation';

export class CreateApiKeyDto {
  /** @example "CI deploys" */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /** At most the creator's own role. @example "member" */
  @IsIn(TENANT_ROLES)
  role: TenantRole;

  /** Must be in the future; without it the key lasts until revoked. @example "2026-01-01T00:00:00.000Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO-8601 date' })
  expiresAt?: Date;
}

/** An API key as the API answers it: never the secret, which only the create answer shows. */
export class ApiKeyResponse {
  /** @example "3c9a1e47-5d2b-4f8e-a1c6-7b0d9e2f4a58" */
  id: string;

  /** @example "CI deploys" */
  name: string;

  /** The key's first 11 characters, to tell keys apart. @example "sk_Zm9vYmFy" */
  prefix: string;

  /** @example "member" */
  role: TenantRole;

  /** The user who made it (it outlives that user); null when another API key made it. @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  createdBy: string | null;

  /** Updated at most once a minute. */
  lastUsedAt: Date | null;

  expiresAt: Date | null;

  /** Set once revoked: the key no longer works. */
  revokedAt: Date | null;

  createdAt: Date;
}

/** The answer of POST /v1/api-keys: the key with its secret, shown this once and never again. */
export class CreatedApiKeyResponse extends ApiKeyResponse {
  /** The secret, for `Authorization: Bearer`; only its hash is kept. @example "sk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx" */
  key: string;
}

/** One page of API keys, newest first; pass `nextCursor` as `cursor` for the next. */
export class ApiKeyPage {
  data: ApiKeyResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDNjOWEx" */
  nextCursor: string | null;
}

/** The answer for one apiKey row: what the API shows of it. */
export function toApiKeyResponse(key: ApiKey): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdBy: key.createdBy,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    createdAt: key.createdAt,
  };
}
