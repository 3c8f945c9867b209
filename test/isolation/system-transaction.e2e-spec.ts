import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditWriter } from '@tenantry/audit';
import { TransactionRolledBackError } from '@tenantry/db';
import { MissingSystemTransactionError, SystemTransaction } from '@tenantry/system-db';
import { AdminRepository } from '../../apps/api/src/admin/admin.repository';
import { createTenant } from '../factories';
import { useTestApp } from '../support/test-app';

describe('SystemTransaction', () => {
  const t = useTestApp();
  let system: SystemTransaction;

  beforeAll(async () => {
    system = t.app.get(SystemTransaction);
  });

  it('refuses to hand out a handle outside a system transaction: a forgotten run() fails, it never runs beside the lock', async () => {
    const tenant = await createTenant(t);
    const repository = t.app.get(AdminRepository);
    await expect(repository.findTenant(tenant.id)).rejects.toBeInstanceOf(MissingSystemTransactionError);
    await expect(repository.updateTenant(tenant.id, { name: 'unlocked' })).rejects.toBeInstanceOf(MissingSystemTransactionError);
    await expect(t.app.get(AuditWriter).writeSystem({ action: 'plan.updated' })).rejects.toBeInstanceOf(MissingSystemTransactionError);
    await expect(t.app.get(AuditWriter).writeFor(tenant.id, { action: 'tenant.updated', resourceType: 'tenant' })).rejects.toBeInstanceOf(
      MissingSystemTransactionError,
    );
    expect(() => system.tx).toThrow(MissingSystemTransactionError);
    const [row] = await t.owner`select name from tenants where id = ${tenant.id}`;
    expect(row!.name).toBe('Test tenant');
  });

  it('runs the work in one transaction of the system role, which sees every tenant', async () => {
    const [a, b] = [await createTenant(t), await createTenant(t)];
    const [first, second] = await system.run(async (tx) => [
      ...(await tx.execute<{ role: string; tenants: number; txid: string }>(
        sql`select current_user as role, (select count(*)::int from tenants where id in (${a.id}, ${b.id})) as tenants, txid_current()::text as txid`,
      )),
      ...(await tx.execute<{ txid: string }>(sql`select txid_current()::text as txid`)),
    ]);
    expect(first).toMatchObject({ role: 'tenantry_system', tenants: 2 });
    expect(second!.txid).toBe(first!.txid);
    expect(system.isActive).toBe(false);
  });

  it('commits what the work wrote through repositories, and rolls all of it back when the work throws', async () => {
    const tenant = await createTenant(t);
    const repository = t.app.get(AdminRepository);
    await expect(
      system.run(async () => {
        await repository.updateTenant(tenant.id, { name: 'doomed' });
        throw new Error('fails after the write');
      }),
    ).rejects.toThrow('fails after the write');
    expect((await t.owner`select name from tenants where id = ${tenant.id}`)[0]!.name).toBe('Test tenant');
    await system.run(() => repository.updateTenant(tenant.id, { name: 'renamed' }));
    expect((await t.owner`select name from tenants where id = ${tenant.id}`)[0]!.name).toBe('renamed');
  });

  it('never passes off an aborted transaction as committed', async () => {
    const tenant = await createTenant(t);
    const committed: string[] = [];
    await expect(
      system.run(async (tx) => {
        system.afterCommit(() => committed.push('ran'));
        await tx.execute(sql`update tenants set name = 'lost' where id = ${tenant.id}`);
        await tx.execute(sql`select 1 / 0`).catch(() => undefined);
        return 'looks fine';
      }),
    ).rejects.toBeInstanceOf(TransactionRolledBackError);
    expect(committed).toEqual([]);
    expect((await t.owner`select name from tenants where id = ${tenant.id}`)[0]!.name).toBe('Test tenant');
  });

  it('runs afterCommit callbacks once committed, never after a rollback, and logs and passes over one that throws', async () => {
    const seen: string[] = [];
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const result = await system.run(async () => {
        system.afterCommit(() => {
          throw new Error('cache unreachable');
        });
        system.afterCommit(() => seen.push('committed'));
        expect(seen).toEqual([]);
        return 'done';
      });
      expect(result).toBe('done');
      expect(seen).toEqual(['committed']);
      expect(logged.mock.calls.some(([message]) => String(message).includes('cache unreachable'))).toBe(true);
    } finally {
      logged.mockRestore();
    }
    await expect(
      system.run(async () => {
        system.afterCommit(() => seen.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(seen).toEqual(['committed']);
  });

  it('refuses a nested system transaction, and runs at the asked isolation level', async () => {
    await expect(system.run(() => system.run(async () => 1))).rejects.toThrow(/already active/);
    const [row] = await system.run((tx) => tx.execute<{ level: string }>(sql`select current_setting('transaction_isolation') as level`), {
      isolationLevel: 'serializable',
    });
    expect(row).toEqual({ level: 'serializable' });
  });
});
