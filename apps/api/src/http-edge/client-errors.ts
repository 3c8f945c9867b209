import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from '../errors/error-body';
import { newRequestId } from '../request-context/request-id';

/** Node's own refusals, before any request object exists: malformed HTTP, too many header bytes, timeouts. */
const STATUS_OF_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Node's HTTP parser answers a request it cannot parse (a header block over its limit, bad
 * framing, a timeout) on its own, with a bare status line. This answers those too in the shared
 * error shape, with a request id and the security headers every other answer carries.
 */
export function answerClientErrors(server: Server, securityHeaders: Record<string, string>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status = STATUS_OF_CODE[error.code ?? ''] ?? 400;
    const body = JSON.stringify(
      errorBody(status, status === 431 ? 'The request headers are too large' : status === 408 ? 'The request took too long to arrive' : 'Malformed HTTP request'),
    );
    const headers = {
      ...securityHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Request-Id': newRequestId(),
      Connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
    socket.end(`HTTP/1.1 ${status} ${errorBody(status, '').error}\r\n${head}\r\n\r\n${body}`);
  });
}

/**
 * The headers helmet sets, collected once by running it on a stand-in response, so answers
 * written outside Express carry exactly the same ones.
 */
export function collectHeaders(middleware: (req: never, res: never, next: () => void) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: (name: string) => delete headers[name],
    getHeader: (name: string) => headers[name],
  };
  middleware({ headers: {} } as never, response as never, () => undefined);
  return headers;
}
