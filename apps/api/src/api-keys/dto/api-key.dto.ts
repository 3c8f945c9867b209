import { Transform, Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '@tenantry/db';

export class CreateApiKeyDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @IsIn(TENANT_ROLES)
  role: TenantRole;

  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO-8601 date' })
  expiresAt?: Date;
}
