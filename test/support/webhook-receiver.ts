import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** ok: 200; fail: 500; hang: never answers; redirect: 307; slow: 200 after 4 s; brief: 200 after 250 ms. */
export type ReceiverBehaviour = 'ok' | 'fail' | 'hang' | 'redirect' | 'slow' | 'brief';

/** A real HTTP receiver in the test process: records every request, answers by path as told. */
export interface WebhookReceiver {
  url(path: string): string;
  received: ReceivedWebhook[];
  on(path: string): ReceivedWebhook[];
  behave(path: string, behaviour: ReceiverBehaviour): void;
  /** The most requests to `path` the receiver held unanswered at one time. */
  maxInFlight(path: string): number;
  /** Resolves once `path` has `count` requests (or throws after `timeoutMs`). */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const behaviours = new Map<string, ReceiverBehaviour>();
  const hanging = new Set<http.ServerResponse>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const held = request.url ?? '/';
    inFlight.set(held, (inFlight.get(held) ?? 0) + 1);
    maxInFlight.set(held, Math.max(maxInFlight.get(held) ?? 0, inFlight.get(held)!));
    response.on('close', () => inFlight.set(held, inFlight.get(held)! - 1));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const behaviour = behaviours.get(path) ?? 'ok';
      if (behaviour === 'hang') {
        hanging.add(response);
        return;
      }
      if (behaviour === 'slow') {
        setTimeout(() => response.writeHead(200).end('ok'), 4000).unref();
        return;
      }
      if (behaviour === 'brief') {
        setTimeout(() => response.writeHead(200).end('ok'), 250).unref();
        return;
      }
      if (behaviour === 'redirect') {
        response.writeHead(307, { location: `${path}/elsewhere` }).end();
        return;
      }
      if (behaviour === 'fail') {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`receiver broke ${'x'.repeat(2000)}`);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const on = (path: string) => received.filter((entry) => entry.path === path);
  return {
    url: (path) => `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`,
    received,
    on,
    behave: (path, behaviour) => behaviours.set(path, behaviour),
    maxInFlight: (path) => maxInFlight.get(path) ?? 0,
    waitFor: async (path, count, timeoutMs = 20000) => {
      const deadline = Date.now() + timeoutMs;
      while (on(path).length < count) {
        if (Date.now() > deadline) throw new Error(`${path}: ${on(path).length} of ${count} webhooks after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return on(path);
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
