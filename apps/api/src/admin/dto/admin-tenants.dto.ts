import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { type Tenant, TENANT_STATUSES, TenantRole, TenantStatus } from '@tenantry/db';
import { TenantSummary } from '../../auth/dto/me.dto';
import { PageQuery } from '../../pagination/cursor';
import { TenantSettings } from '../../tenant/dto/tenant-settings.dto';
import { Trim } from '../../validation';

export class ListTenantsQuery extends PageQuery {
  /** @example "suspended" */
  @IsOptional()
  @IsIn(TENANT_STATUSES)
  status?: TenantStatus;

  /** A plan key. @example "pro" */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  plan?: string;

  /** Case-insensitive match on slug or name. @example "acme" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UpdateTenantDto {
  /** @example "Acme Corporation" */
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  /** Another plan's key: a plan change, audited as `tenant.plan_changed`. @example "enterprise" */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'plan must be a plan key' })
  plan?: string;
}

export class ImpersonateDto {
  /** The user to act as; without it, the tenant's first owner. @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  @IsOptional()
  @IsUUID()
  userId?: string;

  /** Recorded in the tenant's audit log. @example "Support ticket 4711: the dashboard shows no projects" */
  @Trim()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

/** A tenant's overrides of its plan, as stored; the effective config merges them over the plan. */
export class TenantConfigOverridesResponse {
  /** Features switched on (true) or off (false) whatever the plan says. @example {"sso": true} */
  features?: Record<string, boolean>;

  /** Limits that replace the plan's. @example {"seats": 50} */
  limits?: Record<string, number>;

  @ApiProperty({ type: () => TenantSettings, required: false, description: 'Settings deep-merged over the defaults' })
  settings?: Record<string, unknown>;
}

/** A tenant as system admins see it: its overrides and its own settings, not yet merged. */
export class TenantResponse extends TenantSummary {
  config: TenantConfigOverridesResponse;

  @ApiProperty({ type: () => TenantSettings, description: "The tenant's own settings (PATCH /v1/tenant/settings)" })
  settings: Record<string, unknown>;

  createdAt: Date;

  updatedAt: Date;
}

/** One page of tenants, newest first; pass `nextCursor` as `cursor` for the next. */
export class TenantPage {
  data: TenantResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDVhMGM4" */
  nextCursor: string | null;
}

/** The plan's features and limits with the tenant's overrides and settings merged in. */
export class EffectiveConfigResponse {
  /** @example "pro" */
  plan: string;

  /** @example ["csv_export", "sso"] */
  features: string[];

  /** @example {"seats": 50, "projects": 100, "requests_per_minute": 600, "requests_burst": 100, "api_calls_per_month": 1000000, "audit_retention_days": 90} */
  limits: Record<string, number>;

  @ApiProperty({ type: () => TenantSettings })
  settings: Record<string, unknown>;
}

/** The current calendar month (UTC). */
export class UsagePeriod {
  @ApiProperty({ format: 'date-time', example: '2025-01-01T00:00:00.000Z' })
  start: string;

  /** Exclusive. */
  @ApiProperty({ format: 'date-time', example: '2025-02-01T00:00:00.000Z' })
  end: string;
}

/** API calls this month against the monthly quota. */
export class ApiCallsUsage {
  /** @example 48213 */
  used: number;

  /** `api_calls_per_month` of the effective config; null when unlimited. @example 1000000 */
  limit: number | null;
}

/** This month's usage so far, as rolled up: behind live traffic by the metering lag (seconds). */
export class TenantUsageSummary {
  period: UsagePeriod;

  /** Every metered metric's total this month. @example {"api_calls": 48213, "projects.created": 12} */
  metrics: Record<string, number>;

  apiCalls: ApiCallsUsage;
}

/** A tenant with its effective config and this month's usage. */
export class TenantDetailResponse extends TenantResponse {
  /** Null only when the tenant's plan no longer exists. */
  effectiveConfig: EffectiveConfigResponse | null;

  usage: TenantUsageSummary;
}

/** The answer of DELETE: the tenant is refused from now on and the purge job removes its rows. */
export class DeletedTenantResponse {
  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  id: string;

  /** @example "deleted" */
  status: 'deleted';

  /** The purge job, at GET /v1/admin/jobs/{jobId}. @example "purge-5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  jobId: string;
}

/** The tenant user an impersonation token acts as. */
export class ImpersonatedUser {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;

  /** @example "owner" */
  role: TenantRole;
}

/** A short-lived tenant access token whose `act` claim names the admin; there is no refresh token. */
export class ImpersonationResponse {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI..." */
  accessToken: string;

  /** @example "Bearer" */
  tokenType: 'Bearer';

  /** Seconds the token lasts (IMPERSONATION_TTL, at most 900). @example 900 */
  expiresIn: number;

  user: ImpersonatedUser;

  /** @example "Support ticket 4711: the dashboard shows no projects" */
  reason: string;
}

/** The answer of a data-key rotation: the new key's id and how many secrets were re-encrypted with it. */
export class DataKeyRotatedResponse {
  /** @example "3c9a1e47-5d2b-4f8e-a1c6-7b0d9e2f4a58" */
  tenantId: string;

  /** @example "8d1f0a52-7c3e-4b6a-9e21-4f5c6d7e8f90" */
  dataKeyId: string;

  /** @example 3 */
  reencrypted: number;
}

/** The answer for one tenant row: what the API shows of it. */
export function toTenantResponse(tenant: Tenant): TenantResponse {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    plan: tenant.plan,
    status: tenant.status,
    config: tenant.config,
    settings: tenant.settings,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}
