import type { Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { createTestApp, TestApp } from '../support/test-app';

/** A raw socket to the app, collecting what the server answers and when it closes. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, answer: () => answer };
}

const writeSafely = (socket: Socket, data: string) => {
  if (!socket.destroyed && socket.writable) socket.write(data);
};

describe('resource limits at the HTTP edge', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '10kb', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000', HTTP_MAX_CONNECTIONS: '30' });
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }, 60000);

  afterAll(async () => {
    await t?.close();
  });

  it('sets the timeouts and the connection cap from config', () => {
    const server = t.app.getHttpServer() as Server;
    expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout, max: server.maxConnections, idle: server.timeout }).toEqual({
      headers: 1500,
      request: 2000,
      keepAlive: 1000,
      max: 30,
      idle: 2000,
    });
  });

  it('refuses a Content-Length over BODY_LIMIT at once, without reading the body, and closes the connection', async () => {
    const client = rawClient(port);
    const startedAt = Date.now();
    // 100 MB announced, 1 KB sent: the answer may not wait for the rest.
    client.socket.write('POST /v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n{"a":"' + 'x'.repeat(1000));
    await client.closed;
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(client.answer()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.answer()).toMatch(/connection: close/i);
    expect(client.answer()).toContain('"statusCode":413');
  });

  it('stops reading a chunked body at the limit', async () => {
    const client = rawClient(port);
    client.socket.write('POST /v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    let sent = 0;
    const chunk = 'x'.repeat(2048);
    const pump = setInterval(() => {
      writeSafely(client.socket, `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      sent += chunk.length;
    }, 10);
    await client.closed;
    clearInterval(pump);
    expect(client.answer()).toMatch(/^HTTP\/1\.1 413 /);
    // The sender would go on for ever: it was cut off a few chunks past 10 kb.
    expect(sent).toBeLessThan(200 * 1024);
  });

  it('closes a socket that stays silent for HTTP_REQUEST_TIMEOUT_MS', async () => {
    const silent = rawClient(port);
    const startedAt = Date.now();
    await silent.closed;
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    // Its own timer, not Node's 30 s sweep of request timeouts.
    expect(elapsed).toBeLessThan(5000);
  });

  it('closes connections beyond HTTP_MAX_CONNECTIONS as soon as they are accepted', async () => {
    const held = Array.from({ length: 30 }, () => rawClient(port));
    await Promise.all(held.map((client) => new Promise((resolve) => client.socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = rawClient(port);
    const startedAt = Date.now();
    await extra.closed;
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(extra.answer()).toBe('');
    for (const client of held) client.socket.destroy();
    await Promise.all(held.map((client) => client.closed));
    // Room again: a normal request is served.
    expect((await t.http().get('/health/live')).status).toBe(200);
  });
});
