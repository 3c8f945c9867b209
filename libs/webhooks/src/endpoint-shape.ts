import type { WebhookEndpoint } from '@tenantry/db';

/** An endpoint as the API and the `webhook.disabled` event show it: never its secret. */
export interface PresentedWebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const presentWebhookEndpoint = (row: WebhookEndpoint): PresentedWebhookEndpoint => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  failingSince: row.failingSince,
  previousSecretExpiresAt: row.previousSecretExpiresAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});
