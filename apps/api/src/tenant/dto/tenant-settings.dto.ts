import { IsObject, IsOptional, IsString } from 'class-validator';

/** A partial settings patch (`null` removes a key); the schema check names each bad key. */
export class TenantSettingsPatchDto {
  @IsOptional()
  @IsObject()
  branding?: Record<string, unknown> | null;

  @IsOptional()
  @IsString()
  locale?: string | null;

  @IsOptional()
  @IsString()
  timezone?: string | null;

  toPatch(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([, value]) => value !== undefined));
  }
}
