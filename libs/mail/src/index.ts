/**
 * Outgoing mail: the outbox writer (MailOutbox, in the transaction of the action), the templates
 * (tenant branding, text and HTML parts), the transport the worker sends through (SMTP_URL, or
 * .eml files in MAIL_DIR) and one-time console links.
 */
export * from './mail-outbox';
export * from './mail-queue';
export * from './mail-templates';
export * from './mail-transport';
export * from './mail.module';
