import { connect, Socket } from 'node:net';

/** SQLSTATEs of the FATAL that ends a session from the server's side just before it closes it. */
const SESSION_ENDING_CODES = new Set(['57P01', '57P02']);
const ERROR_RESPONSE = 0x45; // 'E'
const READY_FOR_QUERY = 0x5a; // 'Z'

/**
 * The socket of one pool connection, without the server's "terminating connection" error.
 *
 * When PostgreSQL ends a session (pg_terminate_backend, a fast shutdown or restart, a crashed
 * backend) it sends a FATAL 57P01/57P02 and closes; PgBouncer does the same with its own FATALs
 * (08P01 "server conn crashed?" when the server connection under a client's transaction died,
 * `query_wait_timeout`, an idle-transaction timeout). If a statement was running, postgres.js keeps
 * that error past the close and hands it to the first user of the reconnected connection: that
 * user fails for nothing, and when it was a reservation (every transaction) the pool then hands
 * the connection to that failed reservation, so it is lost to the pool for good; a restart under
 * load lost the whole pool this way, and the requests queued behind it were never answered.
 * Without the message postgres.js sees what it handles well: the connection closed, every
 * statement on it fails with CONNECTION_CLOSED (a 503), and the connection reconnects clean.
 * Dropped: 57P01/57P02 at any time, and any FATAL or PANIC once the session is established (after
 * its first ReadyForQuery), since the server closes the session after it. Every other error (a
 * failed login, a statement's error, "the database system is starting up" while connecting)
 * reaches postgres.js as sent. TLS connections are left to postgres.js (the bytes here would be
 * encrypted).
 */
export function connectionSocket(options: { host: string[]; port: number[]; path?: string | false }): Socket {
  const socket = options.path ? connect(options.path) : connect(options.port[0]!, options.host[0]!);
  const filter = new SessionEndFilter();
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    const passed = filter.pass(args[0] as Buffer);
    return passed.length === 0 ? true : emit('data', passed);
  }) as Socket['emit'];
  return socket;
}

/**
 * Follows the backend's message framing (a type byte, then an int32 length that counts itself)
 * across chunks and removes session-ending ErrorResponses. Other bytes pass unchanged and in
 * order; an incomplete header or ErrorResponse waits for the next chunk.
 */
export class SessionEndFilter {
  /** Bytes of the current message still to pass through. */
  private remaining = 0;
  /** An incomplete header or ErrorResponse carried over to the next chunk. */
  private held: Buffer | undefined;
  /** A ReadyForQuery has passed: the session is established (startup and login are over). */
  private isEstablished = false;

  pass(chunk: Buffer): Buffer {
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = undefined;
    const kept: Buffer[] = [];
    let start = 0;
    let at = 0;
    if (this.remaining > 0) {
      at = Math.min(this.remaining, data.length);
      this.remaining -= at;
    }
    while (at < data.length) {
      if (data.length - at < 5) {
        this.held = Buffer.from(data.subarray(at));
        break;
      }
      const length = data.readUInt32BE(at + 1);
      if (data[at] !== ERROR_RESPONSE) {
        if (data[at] === READY_FOR_QUERY) this.isEstablished = true;
        const end = at + 1 + length;
        if (end > data.length) this.remaining = end - data.length;
        at = Math.min(end, data.length);
        continue;
      }
      if (data.length - at < 1 + length) {
        this.held = Buffer.from(data.subarray(at));
        break;
      }
      const message = data.subarray(at, at + 1 + length);
      if (isSessionEnding(message, this.isEstablished)) {
        kept.push(data.subarray(start, at));
        start = at + 1 + length;
      }
      at += 1 + length;
    }
    const end = this.held ? data.length - this.held.length : data.length;
    if (start === 0 && end === data.length) return data;
    kept.push(data.subarray(start, end));
    return Buffer.concat(kept);
  }
}

/** An ErrorResponse's fields: a code byte and a NUL-terminated string each, then a NUL. */
function isSessionEnding(message: Buffer, isEstablished: boolean): boolean {
  let severity: string | undefined;
  let code: string | undefined;
  let at = 5;
  while (at < message.length && message[at] !== 0) {
    const field = message[at]!;
    const end = message.indexOf(0, at + 1);
    if (end < 0) break;
    const value = message.toString('utf8', at + 1, end);
    if (field === 0x56 /* V: severity, never localized */ || (field === 0x53 /* S */ && severity === undefined)) severity = value;
    if (field === 0x43 /* C */) code = value;
    at = end + 1;
  }
  if (severity !== 'FATAL' && severity !== 'PANIC') return false;
  return isEstablished || (code !== undefined && SESSION_ENDING_CODES.has(code));
}
