import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns';
import { tenants } from './tenants';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * `pending` until the worker claims it (`sending`, with `claimed_until`), `sent` once the server
 * accepted it, `failed` when every attempt was refused, `skipped` under MAIL_DISABLED.
 */
export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

const mailColumns = () => ({
  id: idColumn(),
  /** What the message is for (`invitation`, `email_verification`, `password_reset`). */
  kind: text('kind').notNull(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  /** The bodies carry the message's one-time link: cleared once the message is sent. */
  textBody: text('text_body'),
  htmlBody: text('html_body'),
  status: text('status', { enum: MAIL_STATUSES }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  claimedUntil: at('claimed_until'),
  /** The Message-ID header, fixed when the row is written, so every attempt sends the same message. */
  messageId: text('message_id').notNull(),
  /** The server's answer that accepted it. */
  serverResponse: text('server_response'),
  lastError: text('last_error'),
  sentAt: at('sent_at'),
  createdAt: createdAt(),
});

/**
 * A tenant's outgoing mail, written in the transaction of the action that causes it (an
 * invitation, a reset), so a rolled-back action never mails; the worker sends it after commit.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  { tenantId: tenantIdColumn().references(() => tenants.id), ...mailColumns() },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('mail_outbox_unsent_idx').on(t.createdAt).where(sql`${t.status} in ('pending', 'sending')`),
    check('mail_outbox_status_valid', sql`${t.status} in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
  ],
);

/** Mail that belongs to no tenant (a system admin's password reset); the system role only. */
export const systemMailOutbox = pgTable(
  'system_mail_outbox',
  { ...mailColumns(), id: uuid('id').primaryKey().defaultRandom() },
  (t) => [
    index('system_mail_outbox_unsent_idx').on(t.createdAt).where(sql`${t.status} in ('pending', 'sending')`),
    check('system_mail_outbox_status_valid', sql`${t.status} in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
  ],
);

export type MailRow = typeof mailOutbox.$inferSelect;
export type SystemMailRow = typeof systemMailOutbox.$inferSelect;
