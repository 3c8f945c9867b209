import { IsObject, IsOptional } from 'class-validator';

/** A partial override; the service validates its contents and names each bad key. */
export class ConfigPatchDto {
  @IsOptional()
  @IsObject()
  features?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  limits?: Record<string, unknown> | null;

  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown> | null;

  toPatch(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([, value]) => value !== undefined));
  }
}
