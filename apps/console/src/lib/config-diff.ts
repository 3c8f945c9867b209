/** One line of the effective-config table: what the plan gives, what the tenant overrides, the result. */
export interface ConfigRow {
  section: 'features' | 'limits' | 'settings';
  key: string;
  plan: string;
  override: string;
  effective: string;
  isOverridden: boolean;
}

export interface PlanDefaults {
  features: string[];
  limits: Record<string, number>;
}

export interface ConfigOverrides {
  features?: Record<string, boolean>;
  limits?: Record<string, number>;
  settings?: Record<string, unknown>;
}

export interface EffectiveConfig {
  features: string[];
  limits: Record<string, number>;
  settings: Record<string, unknown>;
}

const NONE = '—';
const show = (value: unknown): string => (value === undefined ? NONE : typeof value === 'string' ? value : JSON.stringify(value));
const onOff = (isOn: boolean | undefined): string => (isOn === undefined ? NONE : isOn ? 'on' : 'off');

/** Nested settings as dotted keys: {branding: {primaryColor: '#fff'}} → {'branding.primaryColor': '#fff'}. */
export function flatten(value: Record<string, unknown> | undefined, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) Object.assign(flat, flatten(inner as Record<string, unknown>, path));
    else flat[path] = inner;
  }
  return flat;
}

/** Plan defaults, overrides and the effective value side by side, every key of any of them once. */
export function configRows(plan: PlanDefaults | undefined, overrides: ConfigOverrides, effective: EffectiveConfig): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const planFeatures = new Set(plan?.features ?? []);
  const effectiveFeatures = new Set(effective.features);
  const featureKeys = new Set([...planFeatures, ...Object.keys(overrides.features ?? {}), ...effectiveFeatures]);
  for (const key of [...featureKeys].sort()) {
    const override = overrides.features?.[key];
    rows.push({ section: 'features', key, plan: plan ? onOff(planFeatures.has(key)) : NONE, override: onOff(override), effective: onOff(effectiveFeatures.has(key)), isOverridden: override !== undefined });
  }
  const limitKeys = new Set([...Object.keys(plan?.limits ?? {}), ...Object.keys(overrides.limits ?? {}), ...Object.keys(effective.limits)]);
  for (const key of [...limitKeys].sort()) {
    const override = overrides.limits?.[key];
    rows.push({ section: 'limits', key, plan: show(plan?.limits[key]), override: show(override), effective: show(effective.limits[key]), isOverridden: override !== undefined });
  }
  const settingOverrides = flatten(overrides.settings);
  const effectiveSettings = flatten(effective.settings);
  for (const key of [...new Set([...Object.keys(settingOverrides), ...Object.keys(effectiveSettings)])].sort()) {
    const override = settingOverrides[key];
    rows.push({ section: 'settings', key, plan: NONE, override: show(override), effective: show(effectiveSettings[key]), isOverridden: override !== undefined });
  }
  return rows;
}

/** The editor's draft of one limit: empty means "no override". */
export type LimitDrafts = Record<string, string>;

/**
 * The PATCH body from the editor's drafts: changed overrides as numbers (a non-number is sent as
 * typed so the API names the error), cleared ones as `null`, untouched ones left out.
 */
export function limitsPatch(current: Record<string, number> | undefined, drafts: LimitDrafts): Record<string, number | string | null> {
  const patch: Record<string, number | string | null> = {};
  for (const [key, draft] of Object.entries(drafts)) {
    const trimmed = draft.trim();
    const before = current?.[key];
    if (trimmed === '') {
      if (before !== undefined) patch[key] = null;
      continue;
    }
    const value = /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    if (value !== before) patch[key] = value;
  }
  return patch;
}

/** The API's validation messages that name `field` (e.g. "limits.seats"), for showing at the field. */
export function messagesFor(messages: string[], field: string): string[] {
  const name = field.split('.').pop()!;
  return messages.filter((message) => message.includes(field) || new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(message));
}
