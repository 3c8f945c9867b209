import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { ToEmail, TrimLowerCase } from '../../validation';

export class TokenDto {
  /** The token of the mailed link. @example "ev_0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3.Yp3..." */
  @IsString()
  @MaxLength(200)
  token: string;
}

export class TokenWithPasswordDto extends TokenDto {
  /** The new password: at least 10 characters, 4 of them distinct. @example "correct horse battery" */
  @IsAcceptablePassword()
  password: string;
}

export class TenantAccountDto {
  /** The tenant's slug (may come from the host instead, as for login). @example "acme" */
  @IsOptional()
  @TrimLowerCase()
  @IsString()
  @Matches(/^[a-z0-9-]{1,63}$/, { message: 'tenant must be a tenant slug' })
  tenant?: string;

  /** @example "ada@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class AdminAccountDto {
  /** @example "ops@example.com" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;
}

/** The same answer whether or not the account exists. */
export class AcceptedResponse {
  /** @example "If the account exists, a message is on its way" */
  message: string;
}
