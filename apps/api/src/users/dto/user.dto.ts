import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { TENANT_ROLES, TenantRole } from '@tenantry/db';

export class CreateUserDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsIn(TENANT_ROLES)
  role: TenantRole;

  /** Without one the user is invited: it exists, holds a seat, and cannot log in yet. */
  @IsOptional()
  @IsAcceptablePassword()
  password?: string;
}

export class UpdateUserDto {
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}
