/**
 * The tenant-editable settings and their schema: branding (displayName, logoUrl, primaryColor
 * as #rrggbb), locale (a BCP 47 tag), timezone (an IANA name) and security (ssoRequired). Used by PATCH /v1/tenant/settings
 * and by admins' config overrides alike.
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
              return typeof item === 'boolean' ? [] : [`${path}.security.ssoRequired must be true or false`];
            default:
              return [`${path}.security.${field} is not a known setting (ssoRequired)`];
          }
        });
      default:
        return [`${path}.${key} is not a known setting (branding, locale, timezone, security)`];
    }
  });
}
