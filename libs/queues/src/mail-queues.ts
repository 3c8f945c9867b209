/** Outgoing mail: one job per outbox row (`mail-<id>`), and the sweep that re-queues what a lost enqueue left behind. */
export const MAIL_QUEUE = 'mail';

/** A tenant's message (`tenantId` set: `mail_outbox`) or a system message (`system_mail_outbox`). */
export interface MailJobData {
  mailId: string;
  tenantId?: string;
}

export const mailJobId = (mailId: string): string => `mail-${mailId}`;
