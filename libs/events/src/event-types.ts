/**
 * Every event type a tenant can read in its log and subscribe a webhook endpoint to. The names
 * are the wire contract: `<resource>.<what happened>`, past tense.
 */
export const EVENT_TYPES = [
  'project.created',
  'project.updated',
  'project.deleted',
  'task.created',
  'task.updated',
  'task.deleted',
  'user.created',
  'user.role_changed',
  'user.removed',
  'user.deactivated',
  'user.restored',
  'invitation.accepted',
  'api_key.created',
  'api_key.revoked',
  'tenant.plan_changed',
  'tenant.suspended',
  'tenant.resumed',
  'usage.quota_exceeded',
  /** Opt-in: written only while an enabled endpoint of the tenant subscribes to it (every audit row, for a SIEM). */
  'audit.created',
  'webhook.disabled',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: unknown): value is EventType => typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);

/** What a webhook endpoint may subscribe to: every type but `webhook.test`, which goes only to the endpoint tested. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) => type !== 'webhook.test');
