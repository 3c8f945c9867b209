import { IsString, MaxLength, MinLength } from 'class-validator';

export class RefreshTokenDto {
  /** The `refreshToken` of the last login or refresh: `rt_...` for tenant users, `art_...` for system admins. @example "rt_6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11.Zm9vYmFy..." */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken: string;
}
