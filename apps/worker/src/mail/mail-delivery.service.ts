import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { createMailTransport, firstLink, isPermanentFailure, MailTransport } from '@tenantry/mail';
import { MailQueue } from '@tenantry/mail';
import type { MailJobData } from '@tenantry/queues';
import { MailDeliveryRepository } from './mail-delivery.repository';

export type DeliveryOutcome = 'sent' | 'already_done' | 'skipped';

/** A delivery that must be tried again later (the message stays pending). */
export class RetryableDeliveryError extends Error {}
/** A delivery that no retry can fix (the server refused the message for good, or it is gone). */
export class FinalDeliveryError extends Error {}

/**
 * Delivers one outbox row, at most once per acceptance by the server:
 * 1. claim the row (`sending`, claimed for longer than one SMTP conversation can last), committed;
 * 2. talk to the server, outside any transaction;
 * 3. record `sent` (with the server's answer) the moment it accepted, or release the row.
 * A retried or re-delivered job finds `sent` and does nothing. A worker killed during 2. leaves
 * the claim, which runs out, and the next attempt sends (the server had not accepted: it
 * answers only at the end of the conversation). Should recording fail after acceptance, the
 * acceptance is kept with the job (`accepted`), and the retry records it instead of sending again.
 */
@Injectable()
export class MailDeliveryService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  readonly transport: MailTransport;

  constructor(
    private readonly repository: MailDeliveryRepository,
    private readonly config: AppConfig,
    private readonly queue: MailQueue,
  ) {
    this.transport = createMailTransport(config);
  }

  /** How long a claim lasts: longer than connect + greeting + data at SMTP_TIMEOUT_MS each. */
  private get claimMs(): number {
    return 3 * this.config.get('SMTP_TIMEOUT_MS') + 2000;
  }

  async deliver(
    data: MailJobData & { accepted?: string },
    options: { isFinalAttempt: boolean; recordAcceptance: (response: string) => Promise<void> },
  ): Promise<DeliveryOutcome> {
    const { mailId, tenantId } = data;
    if (data.accepted) {
      await this.repository.markSent(tenantId, mailId, data.accepted);
      return 'already_done';
    }
    const row = await this.repository.claim(tenantId, mailId, this.claimMs);
    if (!row) {
      const current = await this.repository.find(tenantId, mailId);
      if (!current) throw new FinalDeliveryError(`mail ${mailId} does not exist (its tenant may be purged)`);
      if (current.status === 'sending') throw new RetryableDeliveryError(`mail ${mailId} is being sent by another delivery`);
      return 'already_done';
    }
    if (!this.transport.isEnabled) {
      await this.repository.release(tenantId, mailId, 'skipped', null);
      this.logger.warn(`mail ${row.kind} to ${row.toAddress} not sent: MAIL_DISABLED=true`);
      return 'skipped';
    }
    let response: string;
    try {
      ({ response } = await this.transport.send({
        id: row.id,
        kind: row.kind,
        from: this.config.get('MAIL_FROM'),
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody ?? '',
        html: row.htmlBody ?? '',
        messageId: row.messageId,
      }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const isFinal = isPermanentFailure(error) || options.isFinalAttempt;
      await this.repository.release(tenantId, mailId, isFinal ? 'failed' : 'pending', message);
      if (isFinal) {
        this.logger.error(`mail ${row.kind} to ${row.toAddress} failed for good after ${row.attempts} attempt(s): ${message}`);
        throw new FinalDeliveryError(message);
      }
      throw new RetryableDeliveryError(message);
    }
    try {
      await this.repository.markSent(tenantId, mailId, response);
    } catch (error) {
      // Accepted, not recorded: keep the acceptance where the retry will look first.
      await options.recordAcceptance(response);
      throw error;
    }
    const link = firstLink(row.textBody ?? '');
    // The link is logged only for local .eml files (development): in a real mailbox it is a credential.
    if (!this.config.get('SMTP_URL') && link) this.logger.log(`mail ${row.kind} to ${row.toAddress} ${response}; link: ${link}`);
    else this.logger.log(`mail ${row.kind} to ${row.toAddress} sent ${row.messageId}: ${response}`);
    return 'sent';
  }

  /** Hands rows a lost enqueue left behind back to the queue (same job id: no second job). */
  async requeueUnsent(): Promise<{ requeued: number }> {
    const rows = await this.repository.unsent(60_000, 500);
    for (const row of rows) await this.queue.enqueue({ mailId: row.id, ...(row.tenantId ? { tenantId: row.tenantId } : {}) });
    if (rows.length > 0) this.logger.warn(`requeued ${rows.length} unsent mail(s) whose hand-over to the queue was lost`);
    return { requeued: rows.length };
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
