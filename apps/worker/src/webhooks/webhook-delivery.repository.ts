import { Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { users, webhookDeliveries, WebhookEndpoint, webhookEndpoints } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';

export interface AttemptRecord {
  status: 'pending' | 'succeeded' | 'failed';
  attemptsMade: number;
  at: Date;
  nextAttemptAt: Date | null;
  responseCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

/** A failed attempt's queries in the tenant's own transaction (the app role, under RLS). */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /** The attempt's outcome, unless another copy of the same attempt recorded first (then false). */
  async recordAttempt(deliveryId: string, expectedAttemptsMade: number, record: AttemptRecord): Promise<boolean> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx
      .update(webhookDeliveries)
      .set({
        status: record.status,
        attemptCount: record.attemptsMade,
        lastAttemptAt: record.at,
        nextAttemptAt: record.nextAttemptAt,
        leaseUntil: null,
        responseCode: record.responseCode,
        durationMs: record.durationMs,
        responseBody: record.responseBody,
        error: record.error,
        succeededAt: record.status === 'succeeded' ? record.at : undefined,
        updatedAt: sql`now()`,
      })
      .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.attemptCount, expectedAttemptsMade)))
      .returning({ id: webhookDeliveries.id });
    return rows.length === 1;
  }

  /** A failure starts the streak if none runs; the endpoint as it is now. */
  async markFailing(endpointId: string, at: Date): Promise<WebhookEndpoint | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at.toISOString()}::timestamptz)` })
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)))
      .returning();
    return row;
  }

  /** Disables an enabled endpoint; undefined when it was not enabled (another attempt got there first). */
  async disable(endpointId: string, reason: string): Promise<WebhookEndpoint | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` })
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
      .returning();
    return row;
  }

  /** The tenant's owners' addresses: they are told when an endpoint is disabled. */
  async ownerEmails(): Promise<string[]> {
    const { tx, tenantId } = this.tenantTransaction;
    const rows = await tx.select({ email: users.email }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner')));
    return rows.map((row) => row.email);
  }
}
