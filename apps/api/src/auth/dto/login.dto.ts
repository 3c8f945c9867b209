import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ToEmail, TrimLowerCase } from '../../validation';

export class LoginDto {
  /** The tenant's slug; may be omitted when the host is `<slug>.<BASE_DOMAIN>`. @example "acme" */
  @IsOptional()
  @TrimLowerCase()
  @IsString()
  @MaxLength(63)
  tenant?: string;

  /** @example "ada@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** @example "correct horse battery" */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}
