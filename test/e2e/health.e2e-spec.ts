import { createTestApp, TestApp } from '../support/test-app';

describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready when PostgreSQL and Redis answer', async () => {
    expect((await t.http().get('/health/live')).status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({ shutdown: { status: 'up' }, postgres: { status: 'up' }, redis: { status: 'up' } });
  });
});
