import { IsObject, IsOptional, IsString } from 'class-validator';

/** A partial settings patch (`null` removes a key); the schema check names each bad key. */
export class TenantSettingsPatchDto {
  /**
   * Any of `displayName` (1-100 characters), `logoUrl` (https) and `primaryColor` (#rrggbb).
   * @example {"displayName": "Acme", "logoUrl": "https://acme.example/logo.svg", "primaryColor": "#1a73e8"}
   */
  @IsOptional()
  @IsObject()
  branding?: Record<string, unknown> | null;

  /** A BCP 47 tag. @example "de-CH" */
  @IsOptional()
  @IsString()
  locale?: string | null;

  /** An IANA time zone. @example "Europe/Zurich" */
  @IsOptional()
  @IsString()
  timezone?: string | null;

  /**
   * `ssoRequired: true` refuses password sign-in (403) to everyone but owners, who keep it as a
   * break-glass; API keys are unaffected. `requireMfa: true` answers 403 to every member without
   * MFA on every route but /v1/me, their own account and MFA enrolment (409 while the caller has no
   * MFA itself). @example {"ssoRequired": true, "requireMfa": true}
   */
  @IsOptional()
  @IsObject()
  security?: Record<string, unknown> | null;

  toPatch(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([, value]) => value !== undefined));
  }
}

/** How the tenant presents itself; a field is null until set. */
export class TenantBranding {
  /** @example "Acme" */
  displayName?: string | null;

  /** @example "https://acme.example/logo.svg" */
  logoUrl?: string | null;

  /** @example "#1a73e8" */
  primaryColor?: string | null;
}

export class TenantSecuritySettings {
  /** @example false */
  ssoRequired?: boolean | null;

  /** @example false */
  requireMfa?: boolean | null;
}

/** The effective settings: defaults, then the admins' overrides, then the tenant's own. */
export class TenantSettings {
  security?: TenantSecuritySettings;

  branding?: TenantBranding;

  /** @example "en" */
  locale?: string;

  /** @example "UTC" */
  timezone?: string;
}
