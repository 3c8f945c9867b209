/**
 * The names of an effective config, once: every limit and every feature some code acts on. A plan
 * or an override may name only these (anything else is a 400); a capability that adds a limit or a
 * feature gate (`@RequireFeature(FEATURE.X)`) adds its name here.
 */
export const LIMIT = {
  /** Users a tenant may have (invited ones count). */
  SEATS: 'seats',
  PROJECTS: 'projects',
  /** API calls per calendar month (UTC); over it, 429 until the month resets. */
  API_CALLS_PER_MONTH: 'api_calls_per_month',
  /** The token bucket's refill per minute, and its size. */
  REQUESTS_PER_MINUTE: 'requests_per_minute',
  REQUESTS_BURST: 'requests_burst',
  /** Days the worker keeps a tenant's audit rows. */
  AUDIT_RETENTION_DAYS: 'audit_retention_days',
  /** Days the worker keeps a tenant's events. */
  EVENT_RETENTION_DAYS: 'event_retention_days',
  WEBHOOK_ENDPOINTS: 'webhook_endpoints',
} as const;
export type LimitName = (typeof LIMIT)[keyof typeof LIMIT];
export const LIMIT_NAMES: readonly LimitName[] = Object.values(LIMIT);

export const FEATURE = {
  CSV_EXPORT: 'csv_export',
  SSO: 'sso',
  AUDIT_EXPORT: 'audit_export',
  /** Over the monthly quota, the tenant is warned (a `Quota-Warning` header), not refused. */
  API_CALLS_OVERAGE: 'api_calls_overage',
} as const;
export type FeatureName = (typeof FEATURE)[keyof typeof FEATURE];
export const FEATURE_NAMES: readonly FeatureName[] = Object.values(FEATURE);
