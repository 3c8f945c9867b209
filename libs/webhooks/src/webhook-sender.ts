import http from 'node:http';
import https from 'node:https';
import { RefusedWebhookAddressError, WebhookAddressPolicy } from './address-policy';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookAttemptResult {
  /** 2xx within the timeout: nothing else is a success (a redirect is not followed). */
  isSuccess: boolean;
  statusCode?: number;
  durationMs: number;
  /** The first 1 KB of the answer. */
  responseBody?: string;
  error?: string;
}

const RESPONSE_BODY_LIMIT = 1024;

/**
 * POSTs one webhook. Every connection resolves its name through the address policy (refused
 * addresses never get a socket), keep-alive sockets are reused per origin, and the whole
 * attempt, from connect to the answer's first kilobyte, is bounded by `timeoutMs`.
 */
export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly policy: WebhookAddressPolicy,
    private readonly timeoutMs: number,
    maxSocketsPerOrigin = 16,
  ) {
    const agentOptions = { keepAlive: true, maxSockets: maxSocketsPerOrigin, lookup: policy.lookup, timeout: timeoutMs };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  async send(request: WebhookRequest): Promise<WebhookAttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const problem = this.policy.urlProblem(request.url);
    if (problem) return { isSuccess: false, durationMs: elapsed(), error: problem };
    const url = new URL(request.url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<WebhookAttemptResult>((resolve) => {
      let isSettled = false;
      const settle = (result: Omit<WebhookAttemptResult, 'durationMs'>) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(deadline);
        resolve({ ...result, durationMs: elapsed() });
      };
      const outgoing = transport.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          lookup: this.policy.lookup,
          headers: { ...request.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), 'user-agent': 'tenantry-webhooks/1' },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            const statusCode = response.statusCode ?? 0;
            settle({ isSuccess: statusCode >= 200 && statusCode < 300, statusCode, responseBody: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8') });
          };
          response.on('data', (chunk: Buffer) => {
            if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
            size += chunk.length;
            if (size >= RESPONSE_BODY_LIMIT) {
              // Enough read: the rest is not kept, and the socket is not reused for it.
              finish();
              response.destroy();
            }
          });
          response.on('end', finish);
          response.on('error', (error) => settle({ isSuccess: false, statusCode: response.statusCode, error: error.message }));
        },
      );
      const deadline = setTimeout(() => {
        settle({ isSuccess: false, error: `no answer within ${this.timeoutMs} ms` });
        outgoing.destroy();
      }, this.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        settle({ isSuccess: false, error: error instanceof RefusedWebhookAddressError ? error.message : `${error.code ?? 'error'}: ${error.message}` }),
      );
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
