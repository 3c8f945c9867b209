import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { projects, TransactionRolledBackError } from '@tenantry/db';
import { MissingTenantTransactionError, TenantTransaction } from '@tenantry/tenancy';
import { ProjectsRepository } from '../../apps/api/src/projects/projects.repository';
import { createTenant } from '../factories';
import { useTestApp } from '../support/test-app';

describe('TenantTransaction', () => {
  const t = useTestApp();
  let tenantTransaction: TenantTransaction;

  beforeAll(async () => {
    tenantTransaction = t.app.get(TenantTransaction);
  });

  it('refuses to hand out a handle outside a tenant transaction: a repository never runs unscoped', async () => {
    const repository = t.app.get(ProjectsRepository);
    await expect(repository.find('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(MissingTenantTransactionError);
    await expect(repository.create({ name: 'unscoped' })).rejects.toBeInstanceOf(MissingTenantTransactionError);
    expect(() => tenantTransaction.tx).toThrow(MissingTenantTransactionError);
  });

  it('sets the tenant and user for the transaction only', async () => {
    const tenant = await createTenant(t);
    const userId = '00000000-0000-4000-8000-00000000abcd';
    const inside = await tenantTransaction.run({ tenantId: tenant.id, userId }, (tx) =>
      tx.execute<{ tenant: string; user: string }>(
        sql`select current_setting('app.current_tenant_id', true) as tenant, current_setting('app.current_user_id', true) as user`,
      ),
    );
    expect(inside[0]).toEqual({ tenant: tenant.id, user: userId });
    expect(tenantTransaction.isActive).toBe(false);
  });

  it('rolls back every write when the work throws', async () => {
    const tenant = await createTenant(t);
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'doomed' });
        throw new Error('fails after the write');
      }),
    ).rejects.toThrow('fails after the write');
    const [row] = await t.owner`select count(*)::int as count from projects where tenant_id = ${tenant.id}`;
    expect(row!.count).toBe(0);
  });

  it('never passes off an aborted transaction as committed, even when the work caught the failure', async () => {
    const tenant = await createTenant(t);
    const committed: string[] = [];
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.afterCommit(() => committed.push('ran'));
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'lost' });
        await tx.execute(sql`select 1 / 0`).catch(() => undefined); // aborts the transaction
        return 'looks fine';
      }),
    ).rejects.toBeInstanceOf(TransactionRolledBackError);
    expect(committed).toEqual([]);
    const [row] = await t.owner`select count(*)::int as count from projects where tenant_id = ${tenant.id}`;
    expect(row!.count).toBe(0);
  });

  it('runs afterCommit callbacks only once the transaction committed', async () => {
    const tenant = await createTenant(t);
    const seen: string[] = [];
    await tenantTransaction.run({ tenantId: tenant.id }, async () => {
      tenantTransaction.afterCommit(() => seen.push('committed'));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['committed']);
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async () => {
        tenantTransaction.afterCommit(() => seen.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(seen).toEqual(['committed']);
  });

  it('logs and passes over an afterCommit callback that throws: the committed work is not reported as failed', async () => {
    const tenant = await createTenant(t);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    try {
      const result = await tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.afterCommit(() => {
          throw new Error('cache unreachable');
        });
        tenantTransaction.afterCommit(() => Promise.reject(new Error('queue unreachable')));
        tenantTransaction.afterCommit(() => seen.push('later callback'));
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'kept' });
        return 'committed';
      });
      expect(result).toBe('committed');
      expect(seen).toEqual(['later callback']);
      await new Promise((resolve) => setImmediate(resolve));
      const messages = logged.mock.calls.map(([message]) => String(message));
      expect(messages.some((message) => message.includes('cache unreachable'))).toBe(true);
      expect(messages.some((message) => message.includes('queue unreachable'))).toBe(true);
    } finally {
      logged.mockRestore();
    }
    const [row] = await t.owner`select count(*)::int as count from projects where tenant_id = ${tenant.id}`;
    expect(row!.count).toBe(1);
  });

  it('refuses a tenant id that is not a uuid and a nested tenant transaction', async () => {
    expect(() => tenantTransaction.run({ tenantId: "x' or 1=1" }, async () => 1)).toThrow(/must be a uuid/);
    const tenant = await createTenant(t);
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, () => tenantTransaction.run({ tenantId: tenant.id }, async () => 1)),
    ).rejects.toThrow(/already active/);
  });

  it('runs at the asked isolation level, scoped from its first query, in one pipelined round trip', async () => {
    const tenant = await createTenant(t);
    const [row] = await tenantTransaction.run(
      { tenantId: tenant.id },
      (tx) =>
        tx.execute<{ level: string; tenant: string }>(
          sql`select current_setting('transaction_isolation') as level, current_setting('app.current_tenant_id', true) as tenant`,
        ),
      { isolationLevel: 'repeatable read' },
    );
    expect(row).toEqual({ level: 'repeatable read', tenant: tenant.id });
  });

  it('rolls back and returns its connection after a failed statement, many times over', async () => {
    const tenant = await createTenant(t);
    // More failures than the pool has connections: a connection kept, or left inside a failed
    // transaction, would hang or fail the transaction after them.
    for (let i = 0; i < 30; i += 1) {
      await expect(tenantTransaction.run({ tenantId: tenant.id }, (tx) => tx.execute(sql`select 1/0`))).rejects.toThrow(/Failed query: select 1\/0/);
    }
    const [row] = await tenantTransaction.run({ tenantId: tenant.id }, (tx) =>
      tx.execute<{ tenant: string }>(sql`select current_setting('app.current_tenant_id', true) as tenant`),
    );
    expect(row).toEqual({ tenant: tenant.id });
  });

  it('commits a statement sent alongside with the rest, and rolls everything back when it fails, with its own error', async () => {
    const tenant = await createTenant(t);
    await tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
      tenantTransaction.alongside(tx.insert(projects).values({ tenantId: tenant.id, name: 'alongside' }).then(() => undefined));
      await tx.insert(projects).values({ tenantId: tenant.id, name: 'awaited' });
    });
    const names = async () => (await t.owner`select name from projects where tenant_id = ${tenant.id} order by name`).map((row) => row.name as string);
    expect(await names()).toEqual(['alongside', 'awaited']);

    // Failing with the statement after it under way: that one sees only an aborted transaction, the error is the first one's.
    const committed: string[] = [];
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.afterCommit(() => committed.push('ran'));
        tenantTransaction.alongside(tx.execute(sql`select 1 / 0`));
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'after the failure' });
      }),
    ).rejects.toThrow(/Failed query: select 1 \/ 0/);
    // Failing as the last statement: the COMMIT sent behind it is answered with ROLLBACK; the error is the statement's own.
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'before the failure' });
        tenantTransaction.alongside(tx.execute(sql`select 1 / 0`));
        return 'looks fine';
      }),
    ).rejects.toThrow(/Failed query: select 1 \/ 0/);
    expect(committed).toEqual([]);
    expect(await names()).toEqual(['alongside', 'awaited']);
    expect(() => tenantTransaction.alongside(Promise.resolve())).toThrow(MissingTenantTransactionError);
  });

  it('runs beforeCommit callbacks after the work and before COMMIT, never when the work fails; one failing rolls back', async () => {
    const tenant = await createTenant(t);
    const names = async () => (await t.owner`select name from projects where tenant_id = ${tenant.id} order by name`).map((row) => row.name as string);
    const seen: string[] = [];
    const result = await tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
      tenantTransaction.afterCommit(() => seen.push('after commit'));
      tenantTransaction.beforeCommit(() => {
        seen.push('before commit');
        tenantTransaction.alongside(tx.insert(projects).values({ tenantId: tenant.id, name: 'sent before commit' }).then(() => undefined));
      });
      tenantTransaction.beforeCommit(() => seen.push('second before commit'));
      await tx.insert(projects).values({ tenantId: tenant.id, name: 'work' });
      seen.push('work done');
      return 'result';
    });
    expect(result).toBe('result');
    expect(seen).toEqual(['work done', 'before commit', 'second before commit', 'after commit']);
    expect(await names()).toEqual(['sent before commit', 'work']);

    seen.length = 0;
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.beforeCommit(() => seen.push('before commit'));
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'failed work' });
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(seen).toEqual([]);

    // A statement it sends fails: COMMIT is answered with ROLLBACK, the error is the statement's own.
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.afterCommit(() => seen.push('after commit'));
        tenantTransaction.beforeCommit(() => tenantTransaction.alongside(tx.execute(sql`select 1 / 0`)));
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'rolled back by its statement' });
      }),
    ).rejects.toThrow(/Failed query: select 1 \/ 0/);
    // It throws: the same.
    await expect(
      tenantTransaction.run({ tenantId: tenant.id }, async (tx) => {
        tenantTransaction.beforeCommit(() => {
          throw new Error('refused before commit');
        });
        await tx.insert(projects).values({ tenantId: tenant.id, name: 'rolled back by its throw' });
      }),
    ).rejects.toThrow('refused before commit');
    expect(seen).toEqual([]);
    expect(await names()).toEqual(['sent before commit', 'work']);
    expect(() => tenantTransaction.beforeCommit(() => undefined)).toThrow(MissingTenantTransactionError);
  });
});
