import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestingModule } from '@nestjs/testing';
import postgres from 'postgres';
import {
  DecryptionError,
  LocalMasterKeyRing,
  MASTER_KEY_PROVIDER,
  MasterKeyProvider,
  open,
  rewrapAllDataKeys,
  secretAssociatedData,
  TenantSecrets,
  WrappedDataKey,
} from '@tenantry/secrets';
import { TenantTransaction } from '@tenantry/tenancy';
import { TenantExporter } from '../../apps/worker/src/lifecycle/tenant-exporter';
import { TenantPurger } from '../../apps/worker/src/lifecycle/tenant-purger';
import { createApiKey, createSystemAdmin, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

const run = promisify(execFile);

describe('tenant secrets (envelope encryption)', () => {
  const t = useTestApp();
  let worker: TestingModule;
  let a: TestTenantWithUsers;
  let b: TestTenantWithUsers;

  beforeAll(async () => {
    worker = await createTestWorker();
    [a, b] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
  });
  afterAll(async () => {
    await worker.close();
  });

  const put = (user: { auth: string }, name: string, value: unknown) =>
    t.as(user).put(`/v1/tenant/secrets/${name}`).send({ value });
  /** What a service of the tenant reads, inside the tenant's transaction (as a job or request would). */
  const read = (tenantId: string, name: string) =>
    t.app.get(TenantTransaction).run({ tenantId }, () => t.app.get(TenantSecrets).get(name));
  const rowsOf = (tenantId: string) =>
    t.owner<{ name: string; ciphertext: string; data_key_id: string }[]>`
      select name, ciphertext, data_key_id from tenant_secrets where tenant_id = ${tenantId} order by name`;

  it('stores a value encrypted, lists names only, replaces and deletes it, and audits without the value', async () => {
    const plaintext = `sk_live_${randomBytes(12).toString('hex')}`;
    expect((await put(a.admin, 'stripe.api_key', plaintext)).status).toBe(204);
    expect(await read(a.id, 'stripe.api_key')).toBe(plaintext);

    const [row] = await rowsOf(a.id);
    expect(row!.name).toBe('stripe.api_key');
    expect(row!.ciphertext).not.toContain(plaintext);
    expect(Buffer.from(row!.ciphertext, 'base64').toString('latin1')).not.toContain(plaintext);
    const [key] = await t.owner`select wrapped_key, master_key_version from tenant_data_keys where tenant_id = ${a.id}`;
    expect(key!.master_key_version).toBe('v1');

    const list = await t.as(a.owner).get('/v1/tenant/secrets');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [{ name: 'stripe.api_key', createdAt: expect.any(String), updatedAt: expect.any(String) }], nextCursor: null });
    expect(JSON.stringify(list.body)).not.toContain(plaintext);

    expect((await put(a.owner, 'stripe.api_key', 'rotated-value')).status).toBe(204);
    expect(await read(a.id, 'stripe.api_key')).toBe('rotated-value');
    expect((await rowsOf(a.id)).length).toBe(1);

    const logs = await t.owner<{ action: string; changes: unknown; resource_id: string }[]>`
      select action, changes, resource_id from audit_logs where tenant_id = ${a.id} and action like 'secret.%' order by at`;
    expect(logs.map((log) => log.action)).toEqual(['secret.stored', 'secret.stored']);
    expect(logs[0]!.changes).toMatchObject({ before: { name: 'stripe.api_key', created: true } });
    expect(logs[1]!.changes).toMatchObject({ before: { name: 'stripe.api_key', created: false } });
    expect(JSON.stringify(logs)).not.toContain(plaintext);
    expect(JSON.stringify(logs)).not.toContain('rotated-value');

    expect((await t.as(a.admin).delete('/v1/tenant/secrets/stripe.api_key')).status).toBe(204);
    expect(await read(a.id, 'stripe.api_key')).toBeUndefined();
    const again = await t.as(a.admin).delete('/v1/tenant/secrets/stripe.api_key');
    expect(again.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Secret not found' });
  });

  it('pages the names in order', async () => {
    const tenant = await createTenantWithUsers(t);
    for (const name of ['c', 'a', 'b']) expect((await put(tenant.admin, name, `value-${name}`)).status).toBe(204);
    const first = await t.as(tenant.admin).get('/v1/tenant/secrets?limit=2');
    expect(first.body.data.map((s: { name: string }) => s.name)).toEqual(['a', 'b']);
    const second = await t.as(tenant.admin).get(`/v1/tenant/secrets?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ data: [{ name: 'c' }], nextCursor: null });
    expect((await t.as(tenant.admin).get('/v1/tenant/secrets?cursor=%25%25')).status).toBe(400);
  });

  it('refuses members, viewers and bad input with clear 4xx answers', async () => {
    for (const user of [a.member, a.viewer]) {
      expect((await put(user, 'x', 'y')).status).toBe(403);
      expect((await t.as(user).get('/v1/tenant/secrets')).status).toBe(403);
      expect((await t.as(user).delete('/v1/tenant/secrets/x')).status).toBe(403);
    }
    const memberKey = await createApiKey(t, a.admin, 'member');
    expect((await put(memberKey, 'x', 'y')).status).toBe(403);
    const adminKey = await createApiKey(t, a.admin, 'admin');
    expect((await put(adminKey, 'ci.token', 'y')).status).toBe(204);
    // Names with ':' belong to a capability (SSO, webhooks) and cannot be written from outside it.
    for (const name of ['sso:abc:client_secret', '.hidden', 'a'.repeat(129)]) {
      const response = await put(a.admin, encodeURIComponent(name), 'y');
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual([expect.stringMatching(/^name must be/)]);
    }
    expect((await put(a.admin, 'ok', '')).status).toBe(400);
    expect((await put(a.admin, 'ok', 42)).status).toBe(400);
    const extra = await t.as(a.admin).put('/v1/tenant/secrets/ok').send({ value: 'v', tenantId: b.id });
    expect(extra.status).toBe(400);
  });

  it("never shows or touches another tenant's secrets", async () => {
    expect((await put(b.admin, 'github.token', 'b-secret-value')).status).toBe(204);
    const list = await t.as(a.admin).get('/v1/tenant/secrets');
    expect(JSON.stringify(list.body)).not.toContain('github.token');
    const removal = await t.as(a.admin).delete('/v1/tenant/secrets/github.token');
    expect(removal.status).toBe(404);
    expect(await read(a.id, 'github.token')).toBeUndefined();
    expect(await read(b.id, 'github.token')).toBe('b-secret-value');
  });

  it("fails to decrypt a ciphertext moved to another tenant's row or to another name", async () => {
    expect((await put(a.admin, 'target', 'a-value')).status).toBe(204);
    expect((await put(a.admin, 'other', 'a-other')).status).toBe(204);
    const [bRow] = await t.owner<{ ciphertext: string }[]>`select ciphertext from tenant_secrets where tenant_id = ${b.id} and name = 'github.token'`;
    await t.owner`update tenant_secrets set ciphertext = ${bRow!.ciphertext} where tenant_id = ${a.id} and name = 'target'`;
    await expect(read(a.id, 'target')).rejects.toThrow(DecryptionError);
    const [otherRow] = await t.owner<{ ciphertext: string }[]>`select ciphertext from tenant_secrets where tenant_id = ${a.id} and name = 'other'`;
    await t.owner`update tenant_secrets set ciphertext = ${otherRow!.ciphertext} where tenant_id = ${a.id} and name = 'target'`;
    await expect(read(a.id, 'target')).rejects.toThrow(DecryptionError);
    // B's wrapped data key copied into A's key row does not unwrap for A either.
    const [bKey] = await t.owner<{ wrapped_key: string }[]>`select wrapped_key from tenant_data_keys where tenant_id = ${b.id}`;
    const masterKeys = t.app.get<MasterKeyProvider>(MASTER_KEY_PROVIDER);
    await expect(masterKeys.unwrap({ masterKeyVersion: 'v1', wrappedKey: bKey!.wrapped_key }, a.id)).rejects.toThrow(DecryptionError);
    expect(await read(a.id, 'other')).toBe('a-other');
  });

  describe('rotation', () => {
    let admin: Awaited<ReturnType<typeof createSystemAdmin>>;
    beforeAll(async () => {
      admin = await createSystemAdmin(t);
    });

    it('gives a tenant a new data key and keeps every value readable (POST /v1/admin/tenants/:id/keys/rotate)', async () => {
      const tenant = await createTenantWithUsers(t);
      const values = { one: 'first value', two: 'second value', three: 'third value' };
      for (const [name, value] of Object.entries(values)) expect((await put(tenant.admin, name, value)).status).toBe(204);
      const before = await rowsOf(tenant.id);
      const [keyBefore] = await t.owner`select id, wrapped_key from tenant_data_keys where tenant_id = ${tenant.id}`;

      const response = await t.as(admin).post(`/v1/admin/tenants/${tenant.id}/keys/rotate`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ tenantId: tenant.id, dataKeyId: expect.any(String), reencrypted: 3 });
      expect(response.body.dataKeyId).not.toBe(keyBefore!.id);

      const after = await rowsOf(tenant.id);
      for (const [index, row] of after.entries()) {
        expect(row.data_key_id).toBe(response.body.dataKeyId);
        expect(row.ciphertext).not.toBe(before[index]!.ciphertext);
      }
      const [keyAfter] = await t.owner`select id, wrapped_key from tenant_data_keys where tenant_id = ${tenant.id}`;
      expect(keyAfter!.wrapped_key).not.toBe(keyBefore!.wrapped_key);
      for (const [name, value] of Object.entries(values)) expect(await read(tenant.id, name)).toBe(value);
      // An old ciphertext restored from before the rotation no longer decrypts.
      await t.owner`update tenant_secrets set ciphertext = ${before[0]!.ciphertext} where tenant_id = ${tenant.id} and name = ${before[0]!.name}`;
      await expect(read(tenant.id, before[0]!.name)).rejects.toThrow(DecryptionError);

      const [log] = await t.owner`select actor_type, actor_id, changes from audit_logs where tenant_id = ${tenant.id} and action = 'tenant.data_key_rotated'`;
      expect(log).toMatchObject({ actor_type: 'system_admin', actor_id: admin.id, changes: { after: { reencrypted: 3 } } });

      expect((await t.as(tenant.owner).post(`/v1/admin/tenants/${tenant.id}/keys/rotate`)).status).toBe(403);
      expect((await t.as(admin).post('/v1/admin/tenants/00000000-0000-4000-8000-000000000000/keys/rotate')).status).toBe(404);
      expect((await t.as(admin).post('/v1/admin/tenants/nope/keys/rotate')).status).toBe(400);
    });

    it('rewraps every data key with the newest master key (npm run keys:rotate), resumably, values intact', async () => {
      const tenants = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t), createTenantWithUsers(t)]);
      for (const [index, tenant] of tenants.entries()) expect((await put(tenant.admin, 'value', `value of ${index}`)).status).toBe(204);
      const v1 = process.env.MASTER_KEYS!;
      const v2 = `v2:${randomBytes(32).toString('base64')}`;
      const ring = new LocalMasterKeyRing(`${v2},${v1}`);
      const system = postgres(process.env.SYSTEM_DATABASE_URL!, { max: 1, onnotice: () => undefined });
      try {
        // A sweep that dies after its second key: what it did stays done, the rest stays v1.
        let wraps = 0;
        const dying: MasterKeyProvider = {
          currentVersion: ring.currentVersion,
          unwrap: (key: WrappedDataKey, tenantId: string) => ring.unwrap(key, tenantId),
          wrap: async (key: Buffer, tenantId: string) => {
            if (++wraps > 2) throw new Error('killed');
            return ring.wrap(key, tenantId);
          },
        };
        const partial = await rewrapAllDataKeys(system, dying, { batchSize: 2 });
        expect(partial.rewrapped).toBe(2);
        const remaining = async () => (await t.owner`select count(*)::int as n from tenant_data_keys where master_key_version <> 'v2'`)[0]!.n as number;
        expect(await remaining()).toBeGreaterThanOrEqual(3);

        // The command itself, as an operator runs it, finishes the job.
        const { stdout } = await run('npm', ['run', '--silent', 'keys:rotate'], {
          cwd: join(__dirname, '..', '..'),
          env: { ...process.env, MASTER_KEYS: `${v2},${v1}` },
        });
        expect(stdout).toMatch(/rewrapped \d+ data keys with master key v2/);
        expect(await remaining()).toBe(0);

        // With the old master key gone from the ring, every value still decrypts.
        const onlyV2 = new LocalMasterKeyRing(v2);
        for (const [index, tenant] of tenants.entries()) {
          const [key] = await t.owner<{ wrapped_key: string; master_key_version: string; id: string }[]>`
            select id, wrapped_key, master_key_version from tenant_data_keys where tenant_id = ${tenant.id}`;
          const dataKey = await onlyV2.unwrap({ masterKeyVersion: key!.master_key_version, wrappedKey: key!.wrapped_key }, tenant.id);
          const [row] = await rowsOf(tenant.id);
          expect(row!.data_key_id).toBe(key!.id);
          expect(open(dataKey, row!.ciphertext, secretAssociatedData(tenant.id, 'value')).toString()).toBe(`value of ${index}`);
        }
      } finally {
        // Give the database back to the test app's own ring (v1) for the suites that follow.
        await rewrapAllDataKeys(system, new LocalMasterKeyRing(`${v1},${v2}`));
        await system.end({ timeout: 5 });
      }
      expect(await read(tenants[0]!.id, 'value')).toBe('value of 0');
    });
  });

  it('shreds the data key first at purge, so a restored copy of the ciphertexts cannot be decrypted; exports carry no secret or key', async () => {
    const doomed = await createTenantWithUsers(t);
    expect((await put(doomed.admin, 'erp.password', 'hunter2-but-longer')).status).toBe(204);

    const file = join(process.cwd(), '.data', 'exports', `secrets-test-${doomed.id}.ndjson`);
    await worker.get(TenantExporter).export(doomed.id, file, async () => undefined);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { table: string; row: Record<string, unknown> });
    rmSync(file);
    const [secretRow] = await rowsOf(doomed.id);
    const [keyRow] = await t.owner<{ wrapped_key: string }[]>`select wrapped_key from tenant_data_keys where tenant_id = ${doomed.id}`;
    const exported = JSON.stringify(lines);
    expect(lines.find((line) => line.table === 'tenant_secrets')?.row).toMatchObject({ name: 'erp.password' });
    expect(exported).not.toContain(secretRow!.ciphertext);
    expect(exported).not.toContain(keyRow!.wrapped_key);
    expect(exported).not.toContain('hunter2-but-longer');

    // A backup of the tenant's rows, taken before the purge...
    const [tenantBackup] = await t.owner`select * from tenants where id = ${doomed.id}`;
    const secretsBackup = await t.owner`select * from tenant_secrets where tenant_id = ${doomed.id}`;
    await t.owner`update tenants set status = 'deleted' where id = ${doomed.id}`;
    const result = await worker.get(TenantPurger).purge(doomed.id);
    expect(result.deleted).toMatchObject({ tenant_data_keys: 1, tenant_secrets: 1 });

    // ...restored afterwards: the ciphertexts are back, the key is not, and nothing decrypts them.
    await t.owner`insert into tenants ${t.owner({ ...tenantBackup!, status: 'active' })}`;
    await t.owner`insert into tenant_secrets ${t.owner(secretsBackup[0]!)}`;
    await expect(read(doomed.id, 'erp.password')).rejects.toThrow(/crypto-shredded/);
  });
});
