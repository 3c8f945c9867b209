import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import type { WebhookEndpoint } from '@tenantry/db';
import { EventLog, presentEvent } from '@tenantry/events';
import { MailOutbox, webhookDisabledMail } from '@tenantry/mail';
import { Clock, CLOCK } from '@tenantry/metering';
import { webhookAttemptDuration, webhookDeliveryAttempts, webhookDeliveryLatency } from '@tenantry/metrics';
import type { WebhookDeliveryJobData } from '@tenantry/queues';
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

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped' | 'stale';

const SECRET_CACHE_SIZE = 10_000;

/**
 * Makes one attempt of one delivery: reads the delivery, its endpoint, its event and the signing
 * secrets in a short tenant transaction, POSTs (outside any transaction), then records the
 * outcome in a second one: success, a retry on the schedule, or failed. An endpoint failing for
 * five days without a success is disabled, with a `webhook.disabled` event in the tenant's log.
 */
@Injectable()
export class WebhookDeliverer implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliverer.name);
  private readonly sender: WebhookSender;
  /** Decrypted secrets by tenant, endpoint and secret version: a rotation changes the key. */
  private readonly secretCache = new Map<string, { current?: string; previous?: string }>();

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

  async attempt(job: WebhookDeliveryJobData): Promise<AttemptOutcome> {
    const scope = { tenantId: job.tenantId };
    const prepared = await this.tenantTransaction.run(scope, async () => {
      const context = await this.repository.findAttempt(job.deliveryId, job.attemptsMade);
      if (!context) return undefined;
      // A disabled endpoint receives nothing but the test send that checks it.
      if (!context.endpoint.enabled && context.event.type !== 'webhook.test') {
        await this.record(job, { isSuccess: false, durationMs: 0, error: 'the endpoint is disabled' }, context.endpoint, true);
        return 'skipped' as const;
      }
      return { ...context, signingSecrets: await this.signingSecrets(context.endpoint) };
    });
    if (prepared === undefined) return 'stale';
    if (prepared === 'skipped') {
      webhookDeliveryAttempts.inc({ outcome: 'skipped' });
      return 'skipped';
    }
    if (prepared.signingSecrets.length === 0) this.logger.warn(`endpoint ${prepared.endpoint.id} has no signing secret; its deliveries go unsigned`);

    // The documented event shape, never the row.
    const body = JSON.stringify(presentEvent(prepared.event));
    const headers = webhookHeaders(prepared.signingSecrets, prepared.event.id, Math.floor(Date.now() / 1000), body);
    const result = await this.sender.send({ url: prepared.endpoint.url, headers, body });
    webhookAttemptDuration.observe(result.durationMs / 1000);

    const outcome = await this.tenantTransaction.run(scope, () => this.record(job, result, prepared.endpoint, false));
    webhookDeliveryAttempts.inc({ outcome });
    if (outcome === 'succeeded') webhookDeliveryLatency.observe(Math.max(0, Date.now() - prepared.delivery.eventOccurredAt.getTime()) / 1000);
    return outcome;
  }

  private async record(job: WebhookDeliveryJobData, result: WebhookAttemptResult, endpoint: WebhookEndpoint, isFinal: boolean): Promise<AttemptOutcome> {
    const at = new Date(this.clock.now());
    const attemptsMade = job.attemptsMade + 1;
    const delay = result.isSuccess || isFinal ? undefined : retryDelayMs(attemptsMade);
    const outcome: AttemptOutcome = result.isSuccess ? 'succeeded' : delay === undefined ? 'failed' : 'retrying';
    const record: AttemptRecord = {
      status: outcome === 'succeeded' ? 'succeeded' : outcome === 'failed' ? 'failed' : 'pending',
      attemptsMade,
      at,
      nextAttemptAt: delay === undefined ? null : new Date(at.getTime() + delay),
      responseCode: result.statusCode ?? null,
      durationMs: result.durationMs,
      responseBody: result.responseBody ?? null,
      error: result.error ?? null,
    };
    // Another copy of this attempt recorded first: its outcome stands.
    if (!(await this.repository.recordAttempt(job.deliveryId, job.attemptsMade, record))) return 'stale';
    if (result.isSuccess) {
      if (endpoint.failingSince) await this.repository.clearFailing(endpoint.id);
    } else if (!isFinal) {
      await this.failed(endpoint.id, at);
    }
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
  private async signingSecrets(endpoint: WebhookEndpoint): Promise<string[]> {
    const key = `${endpoint.tenantId}:${endpoint.id}:${endpoint.secretVersion}`;
    let cached = this.secretCache.get(key);
    if (!cached) {
      cached = {
        current: await this.secrets.get(webhookSecretName(endpoint.id, 'signing')),
        previous: endpoint.previousSecretExpiresAt ? await this.secrets.get(webhookSecretName(endpoint.id, 'previous')) : undefined,
      };
      if (this.secretCache.size >= SECRET_CACHE_SIZE) this.secretCache.delete(this.secretCache.keys().next().value!);
      this.secretCache.set(key, cached);
    }
    const isOverlapping = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > Date.now();
    return [cached.current, isOverlapping ? cached.previous : undefined].filter((secret): secret is string => secret !== undefined);
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }
}
