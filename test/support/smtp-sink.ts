import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  raw: string;
  parsed: ParsedMail;
  /** The Message-ID header, as sent. */
  messageId: string;
}

type DataDecision = (session: { to: string[]; raw: string }) => Promise<{ code: number; message: string } | undefined> | { code: number; message: string } | undefined;

/**
 * A real SMTP server (npm smtp-server) in the test process: it takes AUTH PLAIN/LOGIN with the
 * credentials of the URL it hands out, keeps what it accepted, and lets a test refuse or hold
 * messages. A message counts as received only when the server answered 250 on a connection still
 * open, as a real server commits a message when it answers the end of DATA.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Decides each message before the answer: undefined accepts, `{code, message}` refuses. */
  decide: DataDecision = () => undefined;
  private server?: SMTPServer;
  private readonly closedSessions = new Set<string>();
  port = 0;

  constructor(private readonly credentials = { user: 'mailer', pass: 's3cret pass' }) {}

  get url(): string {
    return `smtp://${encodeURIComponent(this.credentials.user)}:${encodeURIComponent(this.credentials.pass)}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.credentials.user && auth.password === this.credentials.pass) callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onClose: (session) => this.closedSessions.add(session.id),
      onData: (stream, session, callback) => void this.onData(stream, session, callback),
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = ((this.server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
    return this;
  }

  private async onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const to = session.envelope.rcptTo.map((address) => address.address);
    const refusal = await this.decide({ to, raw });
    if (refusal) {
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      return callback(error);
    }
    if (this.closedSessions.has(session.id)) return callback(new Error('client gone'));
    const parsed = await simpleParser(raw);
    this.received.push({ to, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw, parsed, messageId: parsed.messageId ?? '' });
    callback();
  }

  /** Mails received for an address. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  /** Waits until `count` mails for the address have arrived, and returns them. */
  async waitFor(address: string, count = 1, timeoutMs = 20000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(address).length < count) {
      if (Date.now() > deadline) throw new Error(`SmtpSink: ${this.to(address).length} of ${count} mails for ${address} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.to(address);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The link of a one-time token in a mail's text part, and the token itself. */
export function linkIn(mail: ReceivedMail): { url: URL; token: string } {
  const match = /https?:\/\/\S+/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error('no link in the mail');
  const url = new URL(match[0]);
  return { url, token: url.searchParams.get('token') ?? '' };
}
