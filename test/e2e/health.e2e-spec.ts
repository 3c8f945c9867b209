import { useTestApp } from '../support/test-app';

describe('health', () => {
  const t = useTestApp();

  it('is live and ready when PostgreSQL and Redis answer', async () => {
    expect((await t.http().get('/health/live')).status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({ shutdown: { status: 'up' }, postgres: { status: 'up' }, redis: { status: 'up' } });
  });
});
