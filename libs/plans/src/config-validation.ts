import { BadRequestException } from '@nestjs/common';
import type { TenantConfigOverrides } from '@tenantry/db';
import { FEATURE_NAMES, LIMIT_NAMES } from './config-names';
import { deepMerge } from './effective-config';

/**
 * What a plan, an admin's override and a tenant's settings may say, checked at the edge; every
 * problem is named with its path (`config.limits.seats must be ...`) in one 400.
 *
 * The tenant-editable settings: branding (displayName, logoUrl, primaryColor as #rrggbb), locale
 * (a BCP 47 tag), timezone (an IANA name) and security (ssoRequired, requireMfa). Used by PATCH /v1/tenant/settings and by admins'
 * config overrides alike.
 */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIanaTimezone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
};

const isLocale = (value: string): boolean => {
  try {
    return /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value) && Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
};

const isHttpsUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol === 'https:' && value.length <= 2000;
  } catch {
    return false;
  }
};

export function settingsProblems(settings: unknown, path: string, allowNull: boolean): string[] {
  if (!isPlainObject(settings)) return [`${path} must be an object`];
  return Object.entries(settings).flatMap(([key, value]): string[] => {
    if (value === null && allowNull) return [];
    switch (key) {
      case 'locale':
        return typeof value === 'string' && isLocale(value) ? [] : [`${path}.locale must be a locale such as en or de-CH`];
      case 'timezone':
        return typeof value === 'string' && isIanaTimezone(value) ? [] : [`${path}.timezone must be an IANA time zone such as Europe/Berlin`];
      case 'branding':
        if (!isPlainObject(value)) return [`${path}.branding must be an object`];
        return Object.entries(value).flatMap(([field, item]): string[] => {
          if (item === null && allowNull) return [];
          switch (field) {
            case 'displayName':
              return typeof item === 'string' && item.trim().length > 0 && item.length <= 100 ? [] : [`${path}.branding.displayName must be 1-100 characters`];
            case 'logoUrl':
              return typeof item === 'string' && isHttpsUrl(item) ? [] : [`${path}.branding.logoUrl must be an https URL`];
            case 'primaryColor':
              return typeof item === 'string' && /^#[0-9a-fA-F]{6}$/.test(item) ? [] : [`${path}.branding.primaryColor must be a colour as #rrggbb`];
            default:
              return [`${path}.branding.${field} is not a known setting (displayName, logoUrl, primaryColor)`];
          }
        });
      case 'security':
        if (!isPlainObject(value)) return [`${path}.security must be an object`];
        return Object.entries(value).flatMap(([field, item]): string[] => {
          if (item === null && allowNull) return [];
          switch (field) {
            case 'ssoRequired':
            case 'requireMfa':
              return typeof item === 'boolean' ? [] : [`${path}.security.${field} must be true or false`];
            default:
              return [`${path}.security.${field} is not a known setting (ssoRequired, requireMfa)`];
          }
        });
      default:
        return [`${path}.${key} is not a known setting (branding, locale, timezone, security)`];
    }
  });
}

export function limitsProblems(limits: unknown, path: string, allowNull: boolean): string[] {
  if (!isPlainObject(limits)) return [`${path} must be an object of numbers`];
  return Object.entries(limits).flatMap(([name, value]) => {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) return [`${path}.${name} is not a known limit (${LIMIT_NAMES.join(', ')})`];
    if (value === null && allowNull) return [];
    return Number.isInteger(value) && (value as number) >= 0 ? [] : [`${path}.${name} must be a non-negative integer`];
  });
}

/**
 * Validates a partial override (`null` removes a key): `features` maps feature names to
 * booleans, `limits` known limit names to non-negative integers, `settings` the tenant settings
 * schema. Every problem is named in one 400.
 */
export function overrideProblems(patch: Record<string, unknown>): string[] {
  return Object.entries(patch).flatMap(([key, value]) => {
    if (value === null) return [];
    switch (key) {
      case 'features':
        if (!isPlainObject(value)) return ['config.features must be an object of booleans'];
        return Object.entries(value).flatMap(([name, flag]) => [
          ...[featureProblem(name, 'config.features')].filter((problem): problem is string => problem !== undefined),
          ...(flag === null || typeof flag === 'boolean' ? [] : [`config.features.${name} must be a boolean`]),
        ]);
      case 'limits':
        return limitsProblems(value, 'config.limits', true);
      case 'settings':
        return settingsProblems(value, 'config.settings', true);
      default:
        return [`config.${key} is not a known config key (features, limits, settings)`];
    }
  });
}

/** Unknown feature names are refused like unknown limits: a typo must not pass for a switched-off feature. */
export function featureProblem(name: string, path: string): string | undefined {
  return (FEATURE_NAMES as readonly string[]).includes(name) ? undefined : `${path}.${name} is not a known feature (${FEATURE_NAMES.join(', ')})`;
}

export function parseConfigOverrides(input: Record<string, unknown> | null | undefined): TenantConfigOverrides {
  // `"config": null` means no overrides, as does leaving it out.
  if (input === undefined || input === null) return {};
  const problems = overrideProblems(input);
  if (problems.length > 0) throw new BadRequestException(problems);
  return deepMerge({}, input) as TenantConfigOverrides;
}

/** The stored overrides after a partial patch: deep merge, `null` removes. */
export function mergeOverrides(current: TenantConfigOverrides, patch: Record<string, unknown>): TenantConfigOverrides {
  const problems = overrideProblems(patch);
  if (problems.length > 0) throw new BadRequestException(problems);
  return deepMerge(current as Record<string, unknown>, patch) as TenantConfigOverrides;
}
