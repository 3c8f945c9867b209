import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { EventLog, presentEvent } from '@tenantry/events';
import { MailOutbox, webhookDisabledMail } from '@tenantry/mail';
import { Clock, CLOCK } from '@tenantry/metering';
import { webhookAttemptDuration } from '@tenantry/metrics';
import { TenantSecrets } from '@tenantry/secrets';
import { TenantTransaction } from '@tenantry/tenancy';
import {
  DISABLE_AFTER_FAILING_MS,
  presentWebhookEndpoint,
  retryDelayMs,
  WebhookAddressPolicy,
  WebhookAttemptResult,
  webhookHeaders,
  webhookSecretName,
  WebhookSender,
} from '@tenantry/webhooks';
import { AttemptRecord, WebhookDeliveryRepository } from './webhook-delivery.repository';
import type { ClaimedDelivery, SucceededAttempt } from './webhook-dispatch.repository';

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped' | 'stale';

/** What one attempt came to: a success waits to be recorded with its batch; anything else is recorded already. */
export type AttemptResult = { outcome: 'succeeded'; success: SucceededAttempt } | { outcome: Exclude<AttemptOutcome, 'succeeded'> };

const SECRET_CACHE_SIZE = 10_000;

interface CachedSecrets {
  current?: string;
  previous?: string;
}

/**
 * Makes one attempt of one claimed delivery: signs the documented event shape, POSTs (outside any
 * transaction), and answers a success for the delivery loop to record with its batch. A failure
 * is recorded here, in the tenant's transaction: a retry on the schedule, or failed; an endpoint
 * failing for five days without a success is disabled, with a `webhook.disabled` event and a mail.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);
  private readonly sender: WebhookSender;
  /** Decrypted secrets by tenant, endpoint and secret version: a rotation changes the key. */
  private readonly secretCache = new Map<string, Promise<CachedSecrets>>();

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly repository: WebhookDeliveryRepository,
    private readonly secrets: TenantSecrets,
    private readonly events: EventLog,
    private readonly mail: MailOutbox,
    @Inject(CLOCK) private readonly clock: Clock,
    policy: WebhookAddressPolicy,
    private readonly config: AppConfig,
  ) {
    // Sockets per origin up to the worker's whole concurrency: endpoints of different tenants may
    // share an origin, and one's hanging sockets must not queue the other's attempts.
    this.sender = new WebhookSender(policy, config.get('WEBHOOK_TIMEOUT_MS'), config.get('WEBHOOK_WORKER_CONCURRENCY'));
  }

  async attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    // A disabled endpoint receives nothing but the test send that checks it.
    if (!delivery.endpoint.enabled && delivery.event.type !== 'webhook.test') {
      const outcome = await this.tenantTransaction.run({ tenantId: delivery.tenantId }, () =>
        this.record(delivery, { isSuccess: false, durationMs: 0, error: 'the endpoint is disabled' }, true),
      );
      return { outcome: outcome === 'stale' ? 'stale' : 'skipped' };
    }
    const signingSecrets = await this.signingSecrets(delivery);
    if (signingSecrets.length === 0) this.logger.warn(`endpoint ${delivery.endpointId} has no signing secret; its deliveries go unsigned`);

    // The documented event shape, never the row.
    const body = JSON.stringify(presentEvent(delivery.event));
    const headers = webhookHeaders(signingSecrets, delivery.event.id, Math.floor(Date.now() / 1000), body);
    const result = await this.sender.send({ url: delivery.endpoint.url, headers, body });
    webhookAttemptDuration.observe(result.durationMs / 1000);
    if (result.isSuccess) {
      const success: SucceededAttempt = {
        tenantId: delivery.tenantId,
        deliveryId: delivery.deliveryId,
        attemptsMade: delivery.attemptsMade,
        at: new Date(this.clock.now()),
        responseCode: result.statusCode!,
        durationMs: result.durationMs,
        responseBody: result.responseBody ?? null,
      };
      return { outcome: 'succeeded', success };
    }
    const outcome = await this.tenantTransaction.run({ tenantId: delivery.tenantId }, () => this.record(delivery, result, false));
    return { outcome: outcome as Exclude<AttemptOutcome, 'succeeded'> };
  }

  /** A failed attempt's outcome (or a skipped one's: `isFinal`), in the tenant's transaction. */
  private async record(delivery: ClaimedDelivery, result: WebhookAttemptResult, isFinal: boolean): Promise<AttemptOutcome> {
    const at = new Date(this.clock.now());
    const attemptsMade = delivery.attemptsMade + 1;
    const delay = isFinal ? undefined : retryDelayMs(attemptsMade);
    const outcome: AttemptOutcome = delay === undefined ? 'failed' : 'retrying';
    const record: AttemptRecord = {
      status: outcome === 'failed' ? 'failed' : 'pending',
      attemptsMade,
      at,
      nextAttemptAt: delay === undefined ? null : new Date(at.getTime() + delay),
      responseCode: result.statusCode ?? null,
      durationMs: result.durationMs,
      responseBody: result.responseBody ?? null,
      error: result.error ?? null,
    };
    // Another copy of this attempt recorded first: its outcome stands.
    if (!(await this.repository.recordAttempt(delivery.deliveryId, delivery.attemptsMade, record))) return 'stale';
    if (!isFinal) await this.failed(delivery.endpointId, at);
    return outcome;
  }

  /** Starts (or continues) the endpoint's failing streak; five days of it disable the endpoint. */
  private async failed(endpointId: string, at: Date): Promise<void> {
    const endpoint = await this.repository.markFailing(endpointId, at);
    if (!endpoint?.enabled || !endpoint.failingSince) return;
    if (at.getTime() - endpoint.failingSince.getTime() < DISABLE_AFTER_FAILING_MS) return;
    const failingSince = endpoint.failingSince;
    const disabled = await this.repository.disable(endpointId, `no successful delivery since ${endpoint.failingSince.toISOString()}`);
    if (!disabled) return;
    await this.events.record('webhook.disabled', { object: { ...presentWebhookEndpoint(disabled) } });
    // The owners hear of it by mail, through the outbox: sent after this transaction commits.
    const link = `${this.config.get('APP_URL').replace(/\/+$/, '')}/console/`;
    for (const to of await this.repository.ownerEmails()) {
      await this.mail.queue({ kind: 'webhook_disabled', to, render: (branding) => webhookDisabledMail(branding, { url: disabled.url, failingSince, link }) });
    }
    this.logger.warn(`disabled webhook endpoint ${endpointId} of tenant ${disabled.tenantId}: failing since ${endpoint.failingSince.toISOString()}`);
  }

  /** The secrets that sign: the current one, and the replaced one while its overlap lasts. */
  private async signingSecrets(delivery: ClaimedDelivery): Promise<string[]> {
    const { endpoint, endpointId, tenantId } = delivery;
    const key = `${tenantId}:${endpointId}:${endpoint.secretVersion}`;
    let cached = this.secretCache.get(key);
    if (!cached) {
      // Decrypted once per secret version, in the tenant's transaction (the tenant's data key).
      cached = this.tenantTransaction.run({ tenantId }, async () => ({
        current: await this.secrets.get(webhookSecretName(endpointId, 'signing')),
        previous: endpoint.previousSecretExpiresAt ? await this.secrets.get(webhookSecretName(endpointId, 'previous')) : undefined,
      }));
      if (this.secretCache.size >= SECRET_CACHE_SIZE) this.secretCache.delete(this.secretCache.keys().next().value!);
      this.secretCache.set(key, cached);
      cached.catch(() => this.secretCache.delete(key));
    }
    const { current, previous } = await cached;
    const isOverlapping = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > Date.now();
    return [current, isOverlapping ? previous : undefined].filter((secret): secret is string => secret !== undefined);
  }

  /** Closes the keep-alive sockets; the delivery loop calls it once its attempts are over. */
  close(): void {
    this.sender.close();
  }
}
