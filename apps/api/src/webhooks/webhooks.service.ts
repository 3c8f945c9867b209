import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail } from '@tenantry/audit';
import type { WebhookEndpoint } from '@tenantry/db';
import { EventLog, EventNotifier } from '@tenantry/events';
import { CountedLimits, LIMIT } from '@tenantry/plans';
import { TenantSecrets } from '@tenantry/secrets';
import { TenantTransaction } from '@tenantry/tenancy';
import { generateWebhookSecret, ROTATION_OVERLAP_MS, WebhookAddressPolicy, webhookSecretName } from '@tenantry/webhooks';
import { decodeCursor, PageQuery, toPage } from '../pagination/cursor';
import {
  AcceptedDeliveryResponse,
  CreatedWebhookResponse,
  CreateWebhookDto,
  RotatedWebhookSecretResponse,
  toWebhookDeliveryResponse,
  toWebhookResponse,
  UpdateWebhookDto,
} from './dto/webhook.dto';
import { WebhookChanges, WebhooksRepository } from './webhooks.repository';

/** The tenant's webhook endpoints: their settings here, their signing secrets in the tenant secret store. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly secrets: TenantSecrets,
    private readonly countedLimits: CountedLimits,
    private readonly policy: WebhookAddressPolicy,
    private readonly events: EventLog,
    private readonly notifier: EventNotifier,
    private readonly tenantTransaction: TenantTransaction,
    private readonly trail: AuditTrail,
  ) {}

  /** The secret is in this answer and nowhere else: the store keeps it encrypted. */
  async create(input: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    const url = this.acceptableUrl(input.url);
    await this.countedLimits.assertAvailable(LIMIT.WEBHOOK_ENDPOINTS, () => this.repository.count());
    const row = await this.repository.create({ url, events: input.events, description: input.description ?? null });
    const secret = generateWebhookSecret();
    await this.secrets.put(webhookSecretName(row.id, 'signing'), secret);
    return { ...toWebhookResponse(row), secret };
  }

  async list(query: PageQuery) {
    return toPage(await this.repository.list(query.limit, decodeCursor(query.cursor)), query.limit, toWebhookResponse);
  }

  async get(id: string) {
    return toWebhookResponse(await this.require(id));
  }

  async update(id: string, input: UpdateWebhookDto) {
    const before = await this.require(id, true);
    this.trail.recordBefore(toWebhookResponse(before));
    const changes: WebhookChanges = {
      url: input.url === undefined ? undefined : this.acceptableUrl(input.url),
      events: input.events,
      description: input.description,
      enabled: input.enabled,
    };
    // Enabling again starts afresh: the failing clock and the reason are cleared.
    if (input.enabled === true) Object.assign(changes, { failingSince: null, disabledReason: null });
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as WebhookChanges;
    return toWebhookResponse((await this.repository.update(id, defined))!);
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.repository.delete(id);
    if (!deleted) throw new NotFoundException('Webhook endpoint not found');
    this.trail.recordBefore(toWebhookResponse(deleted));
    await this.secrets.delete(webhookSecretName(id, 'signing'));
    await this.secrets.delete(webhookSecretName(id, 'previous'));
  }

  /** A new secret; the one it replaces keeps signing beside it for 24 hours (a second rotation ends that at once). */
  async rotateSecret(id: string): Promise<RotatedWebhookSecretResponse> {
    await this.require(id, true);
    const current = await this.secrets.get(webhookSecretName(id, 'signing'));
    if (current !== undefined) await this.secrets.put(webhookSecretName(id, 'previous'), current);
    const secret = generateWebhookSecret();
    await this.secrets.put(webhookSecretName(id, 'signing'), secret);
    const previousSecretExpiresAt = new Date(Date.now() + ROTATION_OVERLAP_MS);
    await this.repository.rotated(id, previousSecretExpiresAt);
    return { secret, previousSecretExpiresAt };
  }

  /** A `webhook.test` event, to this endpoint only (even a disabled one: testing is how one checks a fix). */
  async sendTest(id: string): Promise<AcceptedDeliveryResponse> {
    const endpoint = await this.require(id);
    const eventId = await this.events.record('webhook.test', { object: { endpoint: { ...toWebhookResponse(endpoint) }, message: 'A test event from tenantry' } });
    this.events.flush(); // the delivery row refers to the event
    const delivery = await this.repository.createDelivery({ endpointId: id, eventId, eventType: 'webhook.test' });
    return { deliveryId: delivery.id, eventId };
  }

  async listDeliveries(id: string, query: PageQuery) {
    await this.require(id);
    return toPage(await this.repository.listDeliveries(id, query.limit, decodeCursor(query.cursor)), query.limit, toWebhookDeliveryResponse);
  }

  async replayDelivery(id: string, deliveryId: string): Promise<AcceptedDeliveryResponse> {
    const delivery = await this.repository.replayDelivery(id, deliveryId);
    if (!delivery) throw new NotFoundException('Delivery not found');
    this.tenantTransaction.afterCommit(() => this.notifier.deliveriesDue());
    return { deliveryId: delivery.id, eventId: delivery.eventId };
  }

  /** 404 for an endpoint that does not exist and for another tenant's alike. */
  private async require(id: string, forUpdate = false): Promise<WebhookEndpoint> {
    const row = await this.repository.find(id, forUpdate);
    if (!row) throw new NotFoundException('Webhook endpoint not found');
    return row;
  }

  /** The URL in its normal form; the guard has resolved its name already, outside the transaction. */
  private acceptableUrl(raw: string): string {
    const problem = this.policy.urlProblem(raw);
    if (problem) throw new BadRequestException(problem);
    return new URL(raw).toString();
  }
}
