import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';

export class PasswordChangeDto {
  /** The password the caller signs in with now. @example "correct horse battery" */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  /** At least 10 characters, 4 of them distinct, and not the current one. @example "staple battery horse correct" */
  @IsAcceptablePassword()
  newPassword: string;
}
