import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { asPgError, events, fixedStatement, PG_ERROR, preparedQuery, projects, tenants, users } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { createProject, createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

// A query built once must still run in the transaction it is given: its tenant, its RLS, its connection.
describe('preparedQuery', () => {
  const t = useTestApp();
  let tenantTransaction: TenantTransaction;
  let acme: TestTenantWithUsers;
  let globex: TestTenantWithUsers;

  // No tenant predicate of its own: only the transaction's tenant (RLS) decides which rows it sees.
  const projectByName = preparedQuery('test.projectByName', (tx) => tx.select().from(projects).where(eq(projects.name, sql.placeholder('name'))));
  const userRole = preparedQuery('test.userRole', (tx) =>
    tx.select({ slug: tenants.slug, role: users.role }).from(tenants).leftJoin(users, eq(users.id, sql.placeholder('userId'))),
  );

  beforeAll(async () => {
    tenantTransaction = t.app.get(TenantTransaction);
    [acme, globex] = await Promise.all([createTenantWithUsers(t), createTenantWithUsers(t)]);
    await createProject(t, acme.owner, 'shared-name');
    await createProject(t, globex.owner, 'shared-name');
  });

  it('maps rows as drizzle does', async () => {
    const [prepared, adHoc] = await tenantTransaction.run({ tenantId: acme.id }, async (tx) => [
      await projectByName(tx, { name: 'shared-name' }),
      await tx.select().from(projects).where(eq(projects.name, 'shared-name')),
    ]);
    expect(prepared).toEqual(adHoc);
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.createdAt).toBeInstanceOf(Date);
    expect(prepared[0]!.tenantId).toBe(acme.id);
  });

  it('runs in each transaction it is given, concurrent ones included, never in the first one', async () => {
    const seen = await Promise.all(
      [acme, globex, acme, globex, acme, globex].map((tenant) =>
        tenantTransaction.run({ tenantId: tenant.id }, async (tx) => (await projectByName(tx, { name: 'shared-name' })).map((row) => row.tenantId)),
      ),
    );
    expect(seen).toEqual([[acme.id], [globex.id], [acme.id], [globex.id], [acme.id], [globex.id]]);
  });

  it('keeps a left join nullable and takes new values on every run', async () => {
    const run = (userId: string) => tenantTransaction.run({ tenantId: acme.id }, (tx) => userRole(tx, { userId }));
    expect(await run(acme.viewer.id)).toEqual([{ slug: acme.slug, role: 'viewer' }]);
    expect(await run(globex.owner.id)).toEqual([{ slug: acme.slug, role: null }]);
    expect(await run(acme.owner.id)).toEqual([{ slug: acme.slug, role: 'owner' }]);
  });

  it('maps a selection of whole joined tables as drizzle does, a missing one as null', async () => {
    const withCreator = preparedQuery('test.projectWithCreator', (tx) =>
      tx.select().from(projects).leftJoin(users, eq(users.id, projects.createdBy)).where(eq(projects.name, sql.placeholder('name'))),
    );
    const [prepared, adHoc] = await tenantTransaction.run({ tenantId: acme.id }, async (tx) => [
      await withCreator(tx, { name: 'shared-name' }),
      await tx.select().from(projects).leftJoin(users, eq(users.id, projects.createdBy)).where(eq(projects.name, 'shared-name')),
    ]);
    expect(prepared).toEqual(adHoc);
    expect(prepared[0]!.users?.id).toBe(acme.owner.id);
    const [orphan] = await tenantTransaction.run({ tenantId: acme.id }, (tx) =>
      tx.insert(projects).values({ tenantId: acme.id, name: 'made-by-a-key' }).returning(),
    );
    expect(await tenantTransaction.run({ tenantId: acme.id }, (tx) => withCreator(tx, { name: 'made-by-a-key' }))).toEqual([{ projects: orphan, users: null }]);
  });

  it("writes placeholders through their columns' encoders and maps what it returns", async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const insert = preparedQuery('test.insertProject', (tx) =>
      tx
        .insert(projects)
        .values({ tenantId: sql.placeholder('tenantId'), name: sql.placeholder('name'), createdAt: sql.placeholder('at'), updatedAt: sql.placeholder('at') })
        .returning({ id: projects.id, createdAt: projects.createdAt, name: projects.name }),
    );
    const [row] = await tenantTransaction.run({ tenantId: acme.id }, (tx) => insert(tx, { tenantId: acme.id, name: 'dated', at }));
    expect(row).toEqual({ id: expect.any(String), createdAt: at, name: 'dated' });
    const [stored] = await tenantTransaction.run({ tenantId: acme.id }, (tx) => tx.select().from(projects).where(eq(projects.id, row!.id)));
    expect(stored!.updatedAt).toEqual(at);
  });

  it("fails with the database's error, and on a value left out names the placeholder", async () => {
    const byId = preparedQuery('test.projectById', (tx) => tx.select().from(projects).where(eq(projects.id, sql.placeholder('id'))));
    const failure = await tenantTransaction.run({ tenantId: acme.id }, (tx) => byId(tx, { id: 'not-a-uuid' })).catch((error: unknown) => error);
    expect(asPgError(failure)?.code).toBe(PG_ERROR.INVALID_TEXT_REPRESENTATION);
    await expect(tenantTransaction.run({ tenantId: acme.id }, (tx) => byId(tx, {}))).rejects.toThrow('No value for placeholder "id" was provided');
  });

  describe('fixedStatement', () => {
    const insertEvent = fixedStatement('insert into events (tenant_id, id, type, data) values ($1, $2, $3, $4)');
    const eventsOf = (tenantId: string, id: string) =>
      tenantTransaction.run({ tenantId }, (tx) => tx.select({ tenantId: events.tenantId, data: events.data }).from(events).where(eq(events.id, id)));

    it('writes in the transaction it is given, a jsonb from its JSON text, and commits with it', async () => {
      const id = randomUUID();
      await tenantTransaction.run({ tenantId: acme.id }, (tx) => insertEvent(tx, [acme.id, id, 'project.created', JSON.stringify({ object: { n: 1 } })]));
      expect(await eventsOf(acme.id, id)).toEqual([{ tenantId: acme.id, data: { object: { n: 1 } } }]);
    });

    it('rolls back with its transaction', async () => {
      const id = randomUUID();
      await expect(
        tenantTransaction.run({ tenantId: acme.id }, async (tx) => {
          await insertEvent(tx, [acme.id, id, 'project.created', '{"object":{}}']);
          throw new Error('the change fails');
        }),
      ).rejects.toThrow('the change fails');
      expect(await eventsOf(acme.id, id)).toEqual([]);
    });

    it("is held to the transaction's tenant by RLS", async () => {
      const id = randomUUID();
      await expect(
        tenantTransaction.run({ tenantId: acme.id }, (tx) => insertEvent(tx, [globex.id, id, 'project.created', '{"object":{}}'])),
      ).rejects.toThrow(/row-level security/);
      expect(await eventsOf(globex.id, id)).toEqual([]);
    });

    it('is a prepared statement of its connection: described once, not before every run', async () => {
      const text = 'select $1::int + 1 as n -- test.fixedStatement';
      const addOne = fixedStatement(text);
      const [results, preparedCount] = await tenantTransaction.run({ tenantId: acme.id }, async (tx) => [
        [await addOne(tx, [1]), await addOne(tx, [41])],
        ((await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement = ${text}`)) as unknown as { n: number }[])[0]!.n,
      ]);
      expect(results).toEqual([[{ n: 2 }], [{ n: 42 }]]);
      expect(preparedCount).toBe(1);
    });
  });
});
