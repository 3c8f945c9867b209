import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { ConnectionAcquireTimeoutError, ConnectionLostError, createDatabase, DatabaseHandle, isDatabaseUnavailable } from '@tenantry/db';
import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

/**
 * The app-role pool as a transaction pooler and a failing database see it: settings only inside
 * transactions, prepared statements as configured, and a connection lost inside a transaction
 * failing that transaction (503 over HTTP) and never the process.
 */
describe('database connections', () => {
  let owner: postgres.Sql;
  const opened: DatabaseHandle[] = [];
  const open = (url: string, options: Partial<Parameters<typeof createDatabase>[1]> = {}) => {
    const handle = createDatabase(url, { poolSize: 2, applicationName: 'tenantry-test', ...options });
    opened.push(handle);
    return handle;
  };
  const appUrl = () => process.env.DATABASE_URL!;

  /** Terminates the backends of `applicationName` in this test's database once one of them runs `pg_sleep` or waits. */
  const terminateBackends = async (applicationName: string) => {
    const database = new URL(process.env.MIGRATION_DATABASE_URL!).pathname.slice(1);
    const rows = await owner<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = ${database} and application_name = ${applicationName}`;
    for (const { pid } of rows) await owner`select pg_terminate_backend(${pid})`;
    return rows.length;
  };

  beforeAll(() => {
    owner = postgres(process.env.MIGRATION_DATABASE_URL!, { max: 2, onnotice: () => undefined });
  });

  afterAll(async () => {
    await Promise.all(opened.map((handle) => handle.close()));
    await owner.end({ timeout: 5 });
  });

  it('applies DB_STATEMENT_TIMEOUT_MS inside every transaction, not as a startup parameter', async () => {
    const database = open(appUrl(), { statementTimeoutMs: 1234 });
    const inPipelined = await database.pipelinedTransaction(() => [], (tx) => tx.execute(sql`show statement_timeout`));
    const inDrizzle = await database.db.transaction((tx) => tx.execute(sql`show statement_timeout`));
    const inBegin = await database.client.begin((tx) => tx`show statement_timeout`);
    // Outside a transaction: the role's own setting from the migrations, so nothing was sent at startup.
    const outside = await database.client`show statement_timeout`;
    expect([inPipelined[0], inDrizzle[0], inBegin[0]]).toEqual([{ statement_timeout: '1234ms' }, { statement_timeout: '1234ms' }, { statement_timeout: '1234ms' }]);
    expect(outside[0]).toEqual({ statement_timeout: '10s' });
    // And it bites: a statement longer than the timeout is cancelled.
    await expect(open(appUrl(), { statementTimeoutMs: 200 }).db.transaction((tx) => tx.execute(sql`select pg_sleep(2)`))).rejects.toMatchObject({
      cause: { code: '57014' },
    });
  });

  it('prepares statements unless DB_PREPARE is false or the URL says prepare=false', async () => {
    const preparedCount = async (database: DatabaseHandle) =>
      database.client.begin(async (tx) => {
        await tx`select ${1}::int as one`;
        const [row] = await tx<{ count: number }[]>`select count(*)::int as count from pg_prepared_statements`;
        return row!.count;
      });
    const withPrepare = new URL(appUrl());
    withPrepare.searchParams.set('prepare', 'false');
    expect(await preparedCount(open(appUrl()))).toBeGreaterThan(0);
    expect(await preparedCount(open(appUrl(), { prepare: false }))).toBe(0);
    // The URL wins over the option.
    expect(await preparedCount(open(withPrepare.toString(), { prepare: true }))).toBe(0);
  });

  it('fails a transaction that gets no connection within DB_ACQUIRE_TIMEOUT_MS, and the pool serves the next one', async () => {
    const database = open(appUrl(), { poolSize: 1, acquireTimeoutMs: 300 });
    let finish!: () => void;
    const held = database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const startedAt = Date.now();
    const waiting = await database.db.transaction((tx) => tx.execute(sql`select 2`)).then(
      () => 'committed',
      (error: unknown) => error,
    );
    const waitedMs = Date.now() - startedAt;
    expect(waiting).toBeInstanceOf(ConnectionAcquireTimeoutError);
    // Answered as an unavailable database (503 with Retry-After), not as a server error.
    expect(isDatabaseUnavailable(waiting)).toBe(true);
    expect(waitedMs).toBeLessThan(5000);
    finish();
    await held;
    expect(await database.pipelinedTransaction(() => [], (tx) => tx.execute(sql`select 3`)).then(() => 'ok')).toBe('ok');
  });

  describe.each([
    ['a pipelined transaction', (database: DatabaseHandle, work: (run: (query: string) => Promise<unknown>) => Promise<unknown>) =>
      database.pipelinedTransaction(() => [], (tx) => work((query) => tx.execute(sql.raw(query))))],
    ["drizzle's db.transaction", (database: DatabaseHandle, work: (run: (query: string) => Promise<unknown>) => Promise<unknown>) =>
      database.db.transaction((tx) => work((query) => tx.execute(sql.raw(query))))],
    ['client.begin', (database: DatabaseHandle, work: (run: (query: string) => Promise<unknown>) => Promise<unknown>) =>
      database.client.begin((tx) => work((query) => tx.unsafe(query)))],
  ])('a backend terminated inside %s', (_name, transaction) => {
    it('fails the statements that follow, sends nothing more, and leaves the pool working', async () => {
      const applicationName = `lost-${Math.random().toString(36).slice(2, 8)}`;
      const database = open(appUrl(), { applicationName, poolSize: 1 });
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        // The transaction is idle (as while a handler awaits something else) when its backend goes.
        let terminated!: () => void;
        const isTerminated = new Promise<void>((resolve) => (terminated = resolve));
        let begun!: () => void;
        const isBegun = new Promise<void>((resolve) => (begun = resolve));
        const outcome = transaction(database, async (run) => {
          await run('select 1');
          begun();
          await isTerminated;
          await run('select 2');
        }).then(
          () => 'committed',
          (error: unknown) => error,
        );
        await Promise.race([isBegun, outcome]);
        expect(await terminateBackends(applicationName)).toBe(1);
        // Let the client see the connection close before the work goes on.
        await new Promise((resolve) => setTimeout(resolve, 300));
        terminated();
        expect(await outcome).toBeInstanceOf(Error);
        expect(isLost(await outcome)).toBe(true);
        // The pool connects again for the next transaction.
        await new Promise((resolve) => setImmediate(resolve));
        expect(await transaction(database, async (run) => run('select 3')).then(() => 'ok')).toBe('ok');
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      expect(uncaught).toEqual([]);
    });

    it('fails a statement in flight and does not write a ROLLBACK on the closed connection', async () => {
      const applicationName = `busy-${Math.random().toString(36).slice(2, 8)}`;
      // One connection: the next transaction must get the very connection that was lost, reconnected.
      const database = open(appUrl(), { applicationName, poolSize: 1 });
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const outcome = transaction(database, (run) => run('select pg_sleep(10)')).then(
          () => 'committed',
          (error: unknown) => error,
        );
        for (let attempt = 0; attempt < 600; attempt += 1) {
          const [row] = await owner<{ count: number }[]>`
            select count(*)::int as count from pg_stat_activity where application_name = ${applicationName} and query like '%pg_sleep%'`;
          if (row!.count > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await terminateBackends(applicationName)).toBe(1);
        expect(isLost(await outcome)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Neither the next transaction nor the one after fails for the session that ended.
        expect(await transaction(database, (run) => run('select 1')).then(() => 'ok')).toBe('ok');
        expect(await transaction(database, (run) => run('select 1')).then(() => 'ok')).toBe('ok');
        expect(await database.client`select 1 as one`).toEqual([{ one: 1 }]);
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      expect(uncaught).toEqual([]);
    });
  });

  describe('over HTTP', () => {
    const t = useTestApp();
    let tenant: TestTenantWithUsers;

    beforeAll(async () => {
      tenant = await createTenantWithUsers(t);
    });


    it('answers 503 with Retry-After when the backend of a request is terminated, then serves again', async () => {
      // The request's transaction waits on a lock this test holds, then its backend is terminated.
      const locker = await owner.reserve();
      try {
        await locker`begin`;
        await locker`lock table projects in access exclusive mode`;
        const response = t.as(tenant.member).get('/v1/projects').then((r) => r);
        const database = new URL(process.env.MIGRATION_DATABASE_URL!).pathname.slice(1);
        let pid: number | undefined;
        for (let attempt = 0; attempt < 600 && pid === undefined; attempt += 1) {
          const [row] = await owner<{ pid: number }[]>`
            select pid from pg_stat_activity where datname = ${database} and usename = 'tenantry_app' and wait_event_type = 'Lock'`;
          pid = row?.pid;
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(pid).toBeDefined();
        await owner`select pg_terminate_backend(${pid!})`;
        const answered = await response;
        expect(answered.status).toBe(503);
        expect(answered.headers['retry-after']).toMatch(/^\d+$/);
        expect(answered.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
      } finally {
        await locker`rollback`;
        locker.release();
      }
      const again = await t.as(tenant.member).get('/v1/projects');
      expect(again.status).toBe(200);
    });
  });
});

/** The error of a lost connection: ours once the connection closed, else the driver's or PostgreSQL's. */
function isLost(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (current instanceof ConnectionLostError) return true;
    if (current.code === '57P01' || current.code === 'CONNECTION_CLOSED') return true;
  }
  return false;
}
