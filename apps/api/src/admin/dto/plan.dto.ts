import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Plan } from '@tenantry/db';

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

export class CreatePlanDto {
  /** What tenants' `plan` names. @example "team" */
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'key must be lowercase letters, digits, "_" or "-", starting with a letter' })
  key: string;

  /** @example "Team" */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ default: [], example: ['csv_export'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(NAME, { each: true, message: 'each feature must be a lowercase name such as csv_export' })
  features: string[] = [];

  /**
   * Named non-negative integers; checked by the service.
   * @example {"seats": 10, "projects": 50, "requests_per_minute": 300, "requests_burst": 50, "api_calls_per_month": 500000, "audit_retention_days": 30}
   */
  @ApiPropertyOptional({ default: {} })
  @IsOptional()
  @IsObject()
  limits: Record<string, number> = {};
}

export class UpdatePlanDto {
  /** @example "Team (2025)" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  /** Replaces the plan's features. @example ["csv_export", "sso"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(NAME, { each: true, message: 'each feature must be a lowercase name such as csv_export' })
  features?: string[];

  /** Replaces the plan's limits. @example {"seats": 20, "projects": 100} */
  @IsOptional()
  @IsObject()
  limits?: Record<string, number>;
}

/** A plan of the catalogue: the defaults a tenant's effective config starts from. */
export class PlanResponse {
  /** @example "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5f6e" */
  id: string;

  /** @example "pro" */
  key: string;

  /** @example "Pro" */
  name: string;

  /** @example ["csv_export"] */
  features: string[];

  /** @example {"seats": 25, "projects": 100, "requests_per_minute": 600, "requests_burst": 100, "api_calls_per_month": 1000000, "audit_retention_days": 90} */
  limits: Record<string, number>;

  createdAt: Date;

  updatedAt: Date;
}

/** Every plan, oldest first. */
export class PlanList {
  data: PlanResponse[];
}

/** The answer for one plan row: what the API shows of it. */
export function toPlanResponse(plan: Plan): PlanResponse {
  return {
    id: plan.id,
    key: plan.key,
    name: plan.name,
    features: plan.features,
    limits: plan.limits,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}
