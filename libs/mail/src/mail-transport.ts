import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type { AppConfig } from '@tenantry/config';

export interface OutgoingMessage {
  id: string;
  kind: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export interface DeliveryResult {
  /** The SMTP server's answer (`250 ...`), or where the .eml file went. */
  response: string;
}

/** How the worker hands a message on: an SMTP server, a folder of .eml files, or nowhere. */
export interface MailTransport {
  /** One line for logs and `npm start`: where mail goes. */
  readonly description: string;
  /** False under MAIL_DISABLED: messages are marked skipped. */
  readonly isEnabled: boolean;
  send(message: OutgoingMessage): Promise<DeliveryResult>;
  close(): void;
}

/** The URL without its password, for logs. */
const withoutCredentials = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
};

/** A server's 5xx answer is final: retrying sends the same message to the same refusal. */
export const isPermanentFailure = (error: unknown): boolean => {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/** The first link in a message (the one-time link every account mail carries). */
export const firstLink = (text: string): string | undefined => /https?:\/\/\S+/.exec(text)?.[0];

const headersOf = (message: OutgoingMessage) => ({
  from: message.from,
  to: message.to,
  subject: message.subject,
  text: message.text,
  html: message.html,
  messageId: message.messageId,
  headers: { 'X-Tenantry-Mail-Kind': message.kind },
});

class SmtpTransport implements MailTransport {
  readonly isEnabled = true;
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(url: string, timeoutMs: number) {
    this.description = `sent over SMTP to ${withoutCredentials(url)}`;
    // One connection per message (no pool): a killed worker leaves no half-used connection behind.
    this.transporter = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
  }

  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const info = (await this.transporter.sendMail(headersOf(message))) as { response?: string };
    return { response: info.response ?? '250 accepted' };
  }

  close(): void {
    this.transporter.close();
  }
}

/** Development and tests without SMTP_URL: each message becomes `<MAIL_DIR>/<time>-<kind>-<id>.eml` (RFC 5322). */
class EmlFileTransport implements MailTransport {
  readonly isEnabled = true;
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(private readonly dir: string) {
    this.description = `written as .eml files to ${dir} (set SMTP_URL to send them)`;
    this.transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(message: OutgoingMessage): Promise<DeliveryResult> {
    const info = (await this.transporter.sendMail(headersOf(message))) as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const path = join(this.dir, `${stamp}-${message.kind}-${message.id}.eml`);
    // Written whole or not at all: a reader never sees half a message.
    await writeFile(`${path}.tmp`, info.message);
    await rename(`${path}.tmp`, path);
    return { response: `written to ${path}` };
  }

  close(): void {
    this.transporter.close();
  }
}

class DisabledTransport implements MailTransport {
  readonly isEnabled = false;
  readonly description = 'not sent (MAIL_DISABLED=true)';

  send(): Promise<DeliveryResult> {
    return Promise.resolve({ response: 'skipped: MAIL_DISABLED' });
  }

  close(): void {}
}

/** SMTP_URL wins; else MAIL_DISABLED drops mail; else .eml files (production refuses that at boot). */
export function createMailTransport(config: AppConfig): MailTransport {
  const url = config.get('SMTP_URL');
  if (url) return new SmtpTransport(url, config.get('SMTP_TIMEOUT_MS'));
  if (config.get('MAIL_DISABLED')) return new DisabledTransport();
  return new EmlFileTransport(resolve(config.get('MAIL_DIR')));
}

/** Where mail goes, in words, from the validated environment (for the start banner). */
export function describeMailDestination(env: { SMTP_URL?: string; MAIL_DISABLED: boolean; MAIL_DIR: string }): string {
  if (env.SMTP_URL) return `sent over SMTP to ${withoutCredentials(env.SMTP_URL)}`;
  if (env.MAIL_DISABLED) return 'not sent (MAIL_DISABLED=true)';
  return `written as .eml files to ${resolve(env.MAIL_DIR)} (set SMTP_URL to send them)`;
}
