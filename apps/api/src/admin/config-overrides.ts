import { BadRequestException } from '@nestjs/common';
import type { TenantConfigOverrides } from '@tenantry/db';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a tenant's config overrides: `features` maps names to booleans, `limits` names to
 * non-negative integers, `settings` is an object. Any other key is a 400 that names it.
 */
export function parseConfigOverrides(input: Record<string, unknown> | undefined): TenantConfigOverrides {
  if (input === undefined) return {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'features') {
      if (!isPlainObject(value)) problems.push('config.features must be an object of booleans');
      else for (const [name, flag] of Object.entries(value))
        if (typeof flag !== 'boolean') problems.push(`config.features.${name} must be a boolean`);
    } else if (key === 'limits') {
      if (!isPlainObject(value)) problems.push('config.limits must be an object of numbers');
      else for (const [name, limit] of Object.entries(value))
        if (!Number.isInteger(limit) || (limit as number) < 0) problems.push(`config.limits.${name} must be a non-negative integer`);
    } else if (key === 'settings') {
      if (!isPlainObject(value)) problems.push('config.settings must be an object');
    } else {
      problems.push(`config.${key} is not a known config key (features, limits, settings)`);
    }
  }
  if (problems.length > 0) throw new BadRequestException(problems);
  return input as TenantConfigOverrides;
}
