import { signWebhook } from './signature';

/** The Standard Webhooks headers of one attempt: the event id (receivers deduplicate on it), the time, the signatures. */
export function webhookHeaders(secrets: readonly string[], eventId: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secrets, eventId, timestampSeconds, body),
  };
}
