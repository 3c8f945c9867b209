import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { SLUG_PATTERN } from '@tenantry/db';

export class FirstAdminDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsOptional()
  @IsAcceptablePassword()
  password?: string;
}

export class CreateTenantDto {
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be a DNS label: 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
  })
  slug: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  plan = 'free';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => FirstAdminDto)
  admin: FirstAdminDto;

  /** Initial overrides of the plan's features, limits and settings. */
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}
