import { Writable } from 'node:stream';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';
import pino from 'pino';
import { AppConfig } from '@tenantry/config';
import { APP_LOGGER } from '../../apps/api/src/request-context/request-context.module';
import { createAppLogger } from '../../apps/api/src/request-context/request-logging';
import { createProject, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

/** The JSON lines the app logger wrote, parsed. */
class CapturedLines extends Writable {
  readonly lines: Record<string, any>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('request logging', () => {
  const t = useTestApp({ LOG_LEVEL: 'info' }, (builder) =>
      builder.overrideProvider(APP_LOGGER).useFactory({ inject: [AppConfig], factory: (config: AppConfig) => createAppLogger(config, captured) }),
    );
  let acme: TestTenantWithUsers;
  const captured = new CapturedLines();
  const requestLines = () => captured.lines.filter((line) => line.msg === 'request completed' || line.msg === 'request errored');
  const lineOf = (requestId: string) => requestLines().find((line) => line.req?.id === requestId);

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  it('writes one line per request with the request, the response, the route, the tenant and the actor', async () => {
    const project = await createProject(t, acme.member);
    const response = await t.as(acme.viewer).get(`/v1/projects/${project.id}?x=1`).set('cookie', 'session=secret');
    expect(response.status).toBe(200);
    const requestId = response.headers['x-request-id'];
    await new Promise((resolve) => setImmediate(resolve));

    const lines = requestLines().filter((line) => line.req.id === requestId);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: {
        id: requestId,
        method: 'GET',
        url: `/v1/projects/${project.id}?x=1`,
        query: { x: '1' },
        params: { id: project.id },
        headers: { authorization: '[redacted]', cookie: '[redacted]' },
        remoteAddress: expect.any(String),
        remotePort: expect.any(Number),
      },
      res: { statusCode: 200, headers: expect.objectContaining({ 'x-request-id': requestId, 'content-type': expect.stringContaining('application/json') }) },
      responseTime: expect.any(Number),
      route: '/v1/projects/:id',
      tenantId: acme.id,
      actor: `user:${acme.viewer.id}`,
    });
    expect(typeof line.time).toBe('number');
    // The credential itself appears nowhere in the line.
    expect(JSON.stringify(line)).not.toContain(acme.viewer.auth.slice('Bearer '.length));
  });

  it('logs public and refused requests too, without a tenant', async () => {
    const live = await t.http().get('/health/live');
    const refused = await t.as('Bearer not-a-token').get('/v1/projects');
    expect(refused.status).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lineOf(live.headers['x-request-id'])).toMatchObject({ route: '/health/live', res: { statusCode: 200 } });
    const line = lineOf(refused.headers['x-request-id'])!;
    expect(line).toMatchObject({ res: { statusCode: 401 }, req: { headers: { authorization: '[redacted]' } } });
    expect(line.tenantId).toBeUndefined();
    expect(line.actor).toBeUndefined();
  });

  it('never logs a mailed one-time token from the path', async () => {
    const token = `inv_${acme.id}.${'A'.repeat(43)}`;
    const response = await t.http().get(`/v1/auth/invitations/${token}`);
    expect(response.status).toBe(404);
    await new Promise((resolve) => setImmediate(resolve));
    const line = lineOf(response.headers['x-request-id'])!;
    expect(line.req.url).toBe('/v1/auth/invitations/inv_[redacted]');
    expect(JSON.stringify(line)).not.toContain('A'.repeat(43));
  });

  it('gives the lines the app writes while handling a request that request id', async () => {
    const logger: pino.Logger = t.app.get(APP_LOGGER);
    const cls = ClsServiceManager.getClsService();
    await cls.run(async () => {
      cls.set(CLS_ID, 'req-under-test');
      logger.info('inside a request');
    });
    expect(captured.lines.find((line) => line.msg === 'inside a request')).toMatchObject({ req: { id: 'req-under-test' } });
  });
});
