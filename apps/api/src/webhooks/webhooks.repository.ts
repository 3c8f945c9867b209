import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { WebhookDelivery, webhookDeliveries, WebhookEndpoint, webhookEndpoints } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { afterPosition, KeysetPosition } from '../pagination/cursor';

export type WebhookChanges = Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'description' | 'enabled' | 'failingSince' | 'disabledReason'>>;

/** Every query of the tenant's webhook endpoints and their deliveries, in the tenant transaction. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async count(): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.select({ value: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId));
    return row!.value;
  }

  async create(values: { url: string; events: string[]; description?: string | null }): Promise<WebhookEndpoint> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.insert(webhookEndpoints).values({ ...values, tenantId }).returning();
    return row!;
  }

  async list(limit: number, after: KeysetPosition | undefined): Promise<WebhookEndpoint[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, tenantId), afterPosition(webhookEndpoints.createdAt, webhookEndpoints.id, after)))
      .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
      .limit(limit + 1);
  }

  /** The endpoint; `forUpdate` locks it until the transaction ends (a rotation, a change). */
  async find(id: string, forUpdate = false): Promise<WebhookEndpoint | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const query = tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async update(id: string, changes: WebhookChanges): Promise<WebhookEndpoint | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
      .returning();
    return row;
  }

  /** A rotation: the secret version moves on, the replaced secret signs until `previousExpiresAt`. */
  async rotated(id: string, previousExpiresAt: Date): Promise<WebhookEndpoint> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ secretVersion: sql`${webhookEndpoints.secretVersion} + 1`, previousSecretExpiresAt: previousExpiresAt, updatedAt: sql`now()` })
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
      .returning();
    return row!;
  }

  async delete(id: string): Promise<WebhookEndpoint | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id))).returning();
    return row;
  }

  /** A delivery of one event to one endpoint, due at once (a test send). */
  async createDelivery(values: { endpointId: string; eventId: string; eventType: string }): Promise<WebhookDelivery> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ ...values, tenantId, status: 'pending', nextAttemptAt: sql`now()`, eventOccurredAt: sql`now()` })
      .returning();
    return row!;
  }

  async listDeliveries(endpointId: string, limit: number, after: KeysetPosition | undefined): Promise<WebhookDelivery[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.endpointId, endpointId),
          afterPosition(webhookDeliveries.createdAt, webhookDeliveries.id, after),
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(limit + 1);
  }

  /** Makes a delivery due again at once (a replay by hand), whatever its state; undefined when there is none. */
  async replayDelivery(endpointId: string, id: string): Promise<WebhookDelivery | undefined> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, leaseUntil: null, updatedAt: sql`now()` })
      .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)))
      .returning();
    return row;
  }
}
