import { IsObject, IsOptional } from 'class-validator';

/** A partial override; the service validates its contents and names each bad key. */
export class ConfigPatchDto {
  /** Feature names switched on (true) or off (false); `null` drops an override. @example {"sso": true, "csv_export": null} */
  @IsOptional()
  @IsObject()
  features?: Record<string, unknown> | null;

  /** Non-negative integers replacing the plan's; `null` drops an override. @example {"seats": 50} */
  @IsOptional()
  @IsObject()
  limits?: Record<string, unknown> | null;

  /** Deep-merged over the defaults: `branding`, `locale`, `timezone`. @example {"branding": {"primaryColor": "#1a73e8"}} */
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown> | null;

  toPatch(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([, value]) => value !== undefined));
  }
}
