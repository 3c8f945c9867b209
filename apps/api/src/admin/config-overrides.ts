import { BadRequestException } from '@nestjs/common';
import type { TenantConfigOverrides } from '@tenantry/db';
import { deepMerge } from '@tenantry/plans';
import { settingsProblems } from '../tenant/tenant-settings';

/** The limits a plan or an override may name. */
export const LIMIT_NAMES = ['seats', 'projects', 'api_calls_per_month', 'requests_per_minute', 'requests_burst', 'audit_retention_days', 'event_retention_days', 'webhook_endpoints'] as const;
const FEATURE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
          ...(FEATURE_NAME.test(name) ? [] : [`config.features.${name} is not a valid feature name`]),
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

export function parseConfigOverrides(input: Record<string, unknown> | undefined): TenantConfigOverrides {
  if (input === undefined) return {};
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
