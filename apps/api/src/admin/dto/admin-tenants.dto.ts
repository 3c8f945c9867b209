import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { TENANT_STATUSES, TenantStatus } from '@tenantry/db';
import { PageQuery } from '../../pagination/cursor';

export class ListTenantsQuery extends PageQuery {
  @IsOptional()
  @IsIn(TENANT_STATUSES)
  status?: TenantStatus;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  plan?: string;

  /** Case-insensitive match on slug or name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UpdateTenantDto {
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'plan must be a plan key' })
  plan?: string;
}

export class ImpersonateDto {
  @IsOptional()
  @IsUUID()
  userId?: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}
