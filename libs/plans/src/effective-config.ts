import type { PlanLimits, TenantConfigOverrides } from '@tenantry/db';

/** What a tenant may do: its plan's defaults with its own overrides merged over them. */
export interface EffectiveConfig {
  plan: string;
  features: string[];
  limits: PlanLimits;
  settings: Record<string, unknown>;
}

/** Settings every tenant starts with; tenants edit theirs through PATCH /v1/tenant/settings. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({
  branding: { displayName: null, logoUrl: null, primaryColor: null },
  locale: 'en',
  timezone: 'UTC',
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep merge of plain objects; arrays and scalars replace; `null` in a patch removes the key. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isPlainObject(value) && isPlainObject(result[key])) result[key] = deepMerge(result[key] as Record<string, unknown>, value);
    else result[key] = value;
  }
  return result;
}

/**
 * Plan defaults, then the admin's overrides (`features` toggles names on or off, `limits`
 * replaces numbers, `settings` deep-merges), then the tenant's own settings.
 */
export function mergeEffectiveConfig(
  plan: { key: string; features: string[]; limits: PlanLimits },
  overrides: TenantConfigOverrides,
  tenantSettings: Record<string, unknown> = {},
): EffectiveConfig {
  const features = new Set(plan.features);
  for (const [name, isEnabled] of Object.entries(overrides.features ?? {})) {
    if (isEnabled) features.add(name);
    else features.delete(name);
  }
  const settings = deepMerge(deepMerge({ ...DEFAULT_SETTINGS }, overrides.settings ?? {}), tenantSettings);
  return {
    plan: plan.key,
    features: [...features].sort(),
    limits: { ...plan.limits, ...(overrides.limits ?? {}) },
    settings,
  };
}
