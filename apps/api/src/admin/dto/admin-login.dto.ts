import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { ToEmail } from '../../validation';

export class AdminLoginDto {
  /** @example "ops@tenantry.example" */
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
