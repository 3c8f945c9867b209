import type { AddressInfo } from 'node:net';
import { APP_DATABASE, DatabaseHandle } from '@tenantry/db';
import { createProject, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

/**
 * 500 interleaved requests from two tenants through a pool of only 2 connections: every
 * connection serves both tenants many times over, so any context that outlived its transaction
 * would show up as the other tenant's data.
 */
describe('two tenants through a pool of two connections', () => {
  const t = useTestApp({ DB_POOL_SIZE: '2' });
  let base: string;
  const tenants: { tenant: TestTenantWithUsers; projectIds: Set<string> }[] = [];

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    for (let i = 0; i < 2; i += 1) {
      const tenant = await createTenantWithUsers(t);
      const projectIds = new Set<string>();
      for (let p = 0; p < 3; p += 1) projectIds.add((await createProject(t, tenant.owner, `${tenant.slug} ${p}`)).id);
      tenants.push({ tenant, projectIds });
    }
  });

  it('never answers one tenant with the other tenant’s data, and leaves no tenant on a connection', async () => {
    const requests = Array.from({ length: 500 }, async (_, i) => {
      const mine = tenants[i % 2]!;
      const theirs = tenants[(i + 1) % 2]!;
      const headers = { authorization: mine.tenant.member.auth, 'content-type': 'application/json' };
      switch (i % 5) {
        case 0: {
          const response = await fetch(`${base}/v1/projects?limit=100`, { headers });
          const body = (await response.json()) as { data: { id: string; name: string }[] };
          return { i, ok: response.status === 200 && body.data.every((p) => p.name.startsWith(mine.tenant.slug) && !theirs.projectIds.has(p.id)) };
        }
        case 1: {
          const [id] = [...mine.projectIds];
          const response = await fetch(`${base}/v1/projects/${id}`, { headers });
          const body = (await response.json()) as { id: string };
          return { i, ok: response.status === 200 && body.id === id };
        }
        case 2: {
          const [id] = [...theirs.projectIds];
          const response = await fetch(`${base}/v1/projects/${id}`, { headers });
          return { i, ok: response.status === 404 };
        }
        case 3: {
          const response = await fetch(`${base}/v1/me`, { headers });
          const body = (await response.json()) as { tenant: { id: string } };
          return { i, ok: response.status === 200 && body.tenant.id === mine.tenant.id };
        }
        default: {
          const response = await fetch(`${base}/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: `${mine.tenant.slug} new ${i}` }) });
          return { i, ok: response.status === 201 };
        }
      }
    });
    const results = await Promise.all(requests);
    expect(results.filter((r) => !r.ok)).toEqual([]);

    const rows = await t.owner<{ tenant_id: string; name: string }[]>`
      select tenant_id, name from projects where tenant_id in ${t.owner([tenants[0]!.tenant.id, tenants[1]!.tenant.id])}`;
    for (const row of rows) {
      const owner = tenants.find((x) => x.tenant.id === row.tenant_id)!;
      expect(row.name.startsWith(owner.tenant.slug)).toBe(true);
    }
    expect(rows).toHaveLength(6 + 100);

    // Both pooled connections, reserved at once, outside any transaction: no tenant left behind.
    const { client } = t.app.get<DatabaseHandle>(APP_DATABASE);
    const connections = [await client.reserve(), await client.reserve()];
    try {
      const settings = await Promise.all(
        connections.map(async (connection) => (await connection`select pg_backend_pid() as pid, current_setting('app.current_tenant_id', true) as tenant`)[0]!),
      );
      expect(new Set(settings.map((s) => s.pid)).size).toBe(2);
      expect(settings.map((s) => s.tenant)).toEqual(['', '']);
    } finally {
      connections.forEach((connection) => connection.release());
    }
  });
});
