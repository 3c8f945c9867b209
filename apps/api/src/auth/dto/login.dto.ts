import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class LoginDto {
  /** The tenant's slug; may be omitted when the host is `<slug>.<BASE_DOMAIN>`. @example "acme" */
  @IsOptional()
  @Transform(trimLower)
  @IsString()
  @MaxLength(63)
  tenant?: string;

  /** @example "ada@acme.example" */
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** @example "correct horse battery" */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}
