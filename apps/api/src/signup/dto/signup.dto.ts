import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { SLUG_PATTERN } from '@tenantry/db';
import { ToEmail, Trim } from '../../validation';

export class SignupDto {
  /** @example "Acme Inc." */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  tenantName: string;

  /** One DNS label, as in provisioning. @example "acme" */
  @IsString()
  @Matches(SLUG_PATTERN, {
    message: 'slug must be a DNS label: 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
  })
  slug: string;

  /** The owner's address; it must be verified before the owner can sign in. @example "ada@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** At least 10 characters, 4 of them distinct. @example "correct horse battery" */
  @IsAcceptablePassword()
  password: string;
}

export class SignupTenant {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "acme" */
  slug: string;

  /** @example "Acme Inc." */
  name: string;
}

export class SignupUser {
  /** @example "4a1f0e1c-2b7e-4c1e-9a51-0e6e5f3f8b10" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;
}

/** The new tenant and its owner; a verification mail is on its way to the owner. */
export class SignupResponse {
  tenant: SignupTenant;

  user: SignupUser;
}

/** The verified account. */
export class VerifiedEmailResponse {
  /** @example "ada@acme.example" */
  email: string;

  emailVerifiedAt: Date;
}
