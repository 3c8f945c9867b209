import { readFileSync } from 'node:fs';
import { CLIENT_SCHEMA_FILE, renderClientSchema } from '../../apps/api/src/openapi/client-schema';
import { useTestApp } from '../support/test-app';

describe('the generated client (libs/client)', () => {
  const t = useTestApp();

  it('is current: run `npm run client:generate` after changing a route or a DTO', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as object;
    expect(readFileSync(CLIENT_SCHEMA_FILE, 'utf8')).toBe(renderClientSchema(document));
  });

  it('types the console session routes', () => {
    const schema = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');
    for (const path of ['/v1/console/auth/login', '/v1/console/auth/refresh', '/v1/console/admin/auth/logout']) expect(schema).toContain(`"${path}"`);
  });
});
