import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '@tenantry/db';
import { SUBSCRIBABLE_EVENT_TYPES } from '@tenantry/events';
import { type PresentedWebhookEndpoint, presentWebhookEndpoint } from '@tenantry/webhooks';
import { Optional, Trim } from '../../validation';

export class CreateWebhookDto {
  /** Where events are POSTed; production takes only https URLs of public addresses. @example "https://hooks.acme.example/tenantry" */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  url: string;

  /** The event types to receive. @example ["project.created", "project.deleted"] */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true, message: `each value in events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` })
  events: string[];

  /** For admins. @example "Billing system" */
  @Optional({ nullable: true })
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookDto {
  /** @example "https://hooks.acme.example/tenantry/v2" */
  @Optional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  url?: string;

  /** @example ["project.created"] */
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true, message: `each value in events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` })
  events?: string[];

  /** false pauses deliveries; true re-enables an endpoint (also one disabled for failing). @example true */
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  /** null clears it. @example "Billing system" */
  @Optional({ nullable: true })
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

/**
 * A webhook endpoint as the API answers it: never its secret. The shape is
 * PresentedWebhookEndpoint's (what the `webhook.disabled` event carries too); the fields are
 * declared here only for the OpenAPI document, and the compiler keeps them in step.
 */
export class WebhookResponse implements PresentedWebhookEndpoint {
  /** @example "5f0c7a2e-1b3d-4c5e-8f9a-0b1c2d3e4f5a" */
  id: string;

  /** @example "https://hooks.acme.example/tenantry" */
  url: string;

  /** @example ["project.created"] */
  events: string[];

  description: string | null;

  /** @example true */
  enabled: boolean;

  /** Why the product disabled it (five days of failing), else null. */
  disabledReason: string | null;

  /** The first failure since the last success, else null. */
  failingSince: Date | null;

  /** Until when the secret a rotation replaced still signs, else null. */
  previousSecretExpiresAt: Date | null;

  createdAt: Date;

  updatedAt: Date;
}

/** POST /v1/webhooks: the endpoint with its signing secret, shown this once. */
export class CreatedWebhookResponse extends WebhookResponse {
  /** The signing secret (Standard Webhooks); kept encrypted, never shown again. @example "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" */
  secret: string;
}

/** POST /v1/webhooks/:id/rotate-secret: the new secret; the old one signs beside it until `previousSecretExpiresAt`. */
export class RotatedWebhookSecretResponse {
  /** @example "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD" */
  secret: string;

  previousSecretExpiresAt: Date;
}

export class WebhookPage {
  data: WebhookResponse[];

  /** Null on the last page. */
  nextCursor: string | null;
}

/** POST /v1/webhooks/:id/test and a replay: accepted, the delivery goes out from the worker. */
export class AcceptedDeliveryResponse {
  /** @example "8c1d5e2f-3a4b-4c6d-9e0f-1a2b3c4d5e6f" */
  deliveryId: string;

  /** The event (the `webhook-id` the receiver sees). @example "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" */
  eventId: string;
}

/** One delivery of one event to this endpoint, with its latest attempt. */
export class WebhookDeliveryResponse {
  /** @example "8c1d5e2f-3a4b-4c6d-9e0f-1a2b3c4d5e6f" */
  id: string;

  /** The `webhook-id` header. @example "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" */
  eventId: string;

  /** @example "project.created" */
  eventType: string;

  /** pending (an attempt is due or under way), succeeded or failed (no attempt left). @example "succeeded" */
  status: DeliveryStatus;

  /** @example 1 */
  attempts: number;

  /** The latest attempt's HTTP status, null when it got none (refused, timed out, unreachable). @example 200 */
  responseCode: number | null;

  /** @example 42 */
  durationMs: number | null;

  /** The first 1 KB of the latest answer. @example "ok" */
  responseBody: string | null;

  /** Why the latest attempt failed, when it did without a status. */
  error: string | null;

  lastAttemptAt: Date | null;

  nextAttemptAt: Date | null;

  succeededAt: Date | null;

  createdAt: Date;
}

export class WebhookDeliveryPage {
  data: WebhookDeliveryResponse[];

  nextCursor: string | null;
}

export const toWebhookResponse = (row: WebhookEndpoint): WebhookResponse => presentWebhookEndpoint(row);

export function toWebhookDeliveryResponse(row: WebhookDelivery): WebhookDeliveryResponse {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attemptCount,
    responseCode: row.responseCode,
    durationMs: row.durationMs,
    responseBody: row.responseBody,
    error: row.error,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    succeededAt: row.succeededAt,
    createdAt: row.createdAt,
  };
}
