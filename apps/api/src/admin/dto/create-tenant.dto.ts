import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
import { SLUG_PATTERN, TenantRole } from '@tenantry/db';
import { TenantResponse } from './admin-tenants.dto';
import { ToEmail } from '../../validation';

export class FirstAdminDto {
  /** @example "ada@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /**
   * At least 10 characters, 4 of them distinct; without one the owner is mailed an invitation
   * whose link sets the password.
   * @example "correct horse battery"
   */
  @IsOptional()
  @IsAcceptablePassword()
  password?: string;
}

export class CreateTenantDto {
  /** One DNS label: the tenant's host is `<slug>.<BASE_DOMAIN>`. @example "acme" */
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be a DNS label: 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
  })
  slug: string;

  /** @example "Acme Inc." */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: "A plan's key", default: 'free', example: 'pro' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  plan: string = 'free';

  /** The tenant's first owner. */
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => FirstAdminDto)
  admin: FirstAdminDto;

  /**
   * Initial overrides of the plan's features, limits and settings.
   * @example {"features": {"sso": true}, "limits": {"seats": 50}, "settings": {"locale": "de-CH"}}
   */
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown> | null;
}

/** The first owner of a new tenant. */
export class ProvisionedAdmin {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;

  /** @example "owner" */
  role: TenantRole;

  /** Only when no password was given: the invitation mailed to the owner, whose link sets the password. */
  invitation?: ProvisionedInvitation;
}

export class ProvisionedInvitation {
  /** @example "4a1f0e1c-2b7e-4c1e-9a51-0e6e5f3f8b10" */
  id: string;

  expiresAt: Date;
}

/** The answer of provisioning: the new tenant and its first owner. */
export class ProvisionedTenantResponse {
  tenant: TenantResponse;

  admin: ProvisionedAdmin;
}
