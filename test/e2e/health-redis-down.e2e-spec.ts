import { createServer } from 'node:net';
import { createTestApp, TestApp } from '../support/test-app';

/** A port nobody listens on: Redis is "down" for this app only. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('health with Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, METRICS_TOKEN: 'metrics-token-0123456789' });
  });
  afterAll(() => t.close());

  it('stays live but answers ready with 503 naming redis', async () => {
    expect((await t.http().get('/health/live')).status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toEqual({ redis: { status: 'down', message: expect.any(String) } });
    expect(ready.body.details.postgres).toEqual({ status: 'up' });
  });

  it('still answers /metrics at once, saying the queue counts are unavailable', async () => {
    const started = Date.now();
    const scrape = await t.as('Bearer metrics-token-0123456789').get('/metrics');
    expect(scrape.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(scrape.text).toMatch(/^tenantry_queue_counts_available 0$/m);
    expect(scrape.text).not.toMatch(/^tenantry_queue_jobs\{/m);
    expect(scrape.text).toMatch(/^tenantry_db_pool_max_connections\{pool="app"\} \d+$/m);
    expect((await t.http().get('/metrics')).status).toBe(401);
  });
});
