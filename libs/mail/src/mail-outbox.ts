import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import { mailOutbox, systemMailOutbox, tenants, Transaction } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantTransaction } from '@tenantry/tenancy';
import { MailQueue } from './mail-queue';
import { brandingOf, DEFAULT_BRANDING, MailBranding, RenderedMail } from './mail-templates';

export type MailKind = 'invitation' | 'email_verification' | 'password_reset' | 'webhook_disabled';

export interface OutgoingMail {
  kind: MailKind;
  to: string;
  /** Renders the message in the tenant's branding (the product's for system mail). */
  render: (branding: MailBranding) => RenderedMail;
}

/** The domain of MAIL_FROM, for Message-IDs (`<row id>@<domain>`). */
const domainOf = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'tenantry.local';

/**
 * Queues a message in the outbox, in the transaction of the action that causes it: the row
 * commits with the action or not at all, and only after commit is the worker told (`afterCommit`).
 * Should that hand-over fail (Redis down), the worker's sweep finds the row. Nothing here talks
 * to an SMTP server.
 */
@Injectable()
export class MailOutbox {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly systemTransaction: SystemTransaction,
    private readonly mailQueue: MailQueue,
    private readonly config: AppConfig,
  ) {}

  /** Into the current tenant's outbox, in the active tenant transaction (throws outside one). */
  async queue(mail: OutgoingMail): Promise<string> {
    const { tx, tenantId } = this.tenantTransaction;
    const id = await this.insertTenantMail(tx, tenantId, mail);
    this.tenantTransaction.afterCommit(() => this.mailQueue.enqueue({ mailId: id, tenantId }));
    return id;
  }

  /** Into a tenant's outbox from the active system transaction (provisioning by a system admin). */
  async queueFor(tenantId: string, mail: OutgoingMail): Promise<string> {
    const id = await this.insertTenantMail(this.systemTransaction.tx, tenantId, mail);
    this.systemTransaction.afterCommit(() => this.mailQueue.enqueue({ mailId: id, tenantId }));
    return id;
  }

  /** Mail of no tenant (a system admin's), in the active system transaction. */
  async queueSystem(mail: OutgoingMail): Promise<string> {
    const id = randomUUID();
    await this.systemTransaction.tx.insert(systemMailOutbox).values({ id, ...this.contentOf(id, mail, DEFAULT_BRANDING) });
    this.systemTransaction.afterCommit(() => this.mailQueue.enqueue({ mailId: id }));
    return id;
  }

  private async insertTenantMail(tx: Transaction, tenantId: string, mail: OutgoingMail): Promise<string> {
    const [tenant] = await tx.select({ name: tenants.name, settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId));
    const id = randomUUID();
    await tx.insert(mailOutbox).values({ tenantId, id, ...this.contentOf(id, mail, tenant ? brandingOf(tenant) : DEFAULT_BRANDING) });
    return id;
  }

  private contentOf(id: string, mail: OutgoingMail, branding: MailBranding) {
    const rendered = mail.render(branding);
    return {
      kind: mail.kind,
      toAddress: mail.to,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      messageId: `<${id}@${domainOf(this.config.get('MAIL_FROM'))}>`,
    };
  }
}

/** A link into the console for a one-time token: `<APP_URL>/console/<page>?token=...`. */
export function consoleLink(appUrl: string, page: 'accept-invitation' | 'reset-password' | 'verify-email' | 'admin/reset-password', token: string): string {
  return `${appUrl.replace(/\/+$/, '')}/console/${page}?token=${encodeURIComponent(token)}`;
}
