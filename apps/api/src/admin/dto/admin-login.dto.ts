import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class AdminLoginDto {
  /** @example "ops@tenantry.example" */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** @example "correct horse battery" */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}
