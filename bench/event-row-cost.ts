/**
 * `npm run bench:event-row`: what one event row costs PostgreSQL inside a write transaction, as
 * the server's own CPU (the backend's utime + stime from `/proc/<pid>/stat`, so this needs the
 * database on this machine), per transaction, on one connection as the app role.
 *
 * Every transaction is BEGIN, set_config, the insert of one row into a plain table (the change),
 * and COMMIT; the variants add one event row of the product's shape to a different table: `events`
 * as the migrations make it (RLS, the foreign key to tenants, the primary key and three secondary
 * indexes, jsonb), and copies without parts of it, so each part's price shows by difference.
 * BENCH_TRANSACTIONS (default 3000) per variant per round, BENCH_ROUNDS (default 6) alternating
 * rounds; the medians are printed. Runs in a scratch database it drops.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createScratchDatabase } from '../test/support/scratch-database';
import { median, processCpuSeconds } from './harness';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

/** The event tables measured, by what each lacks of the product's `events`. */
const VARIANTS: Record<string, string | undefined> = {
  'no event': undefined,
  'events (as migrated)': 'events',
  'no RLS, no foreign key (jsonb, four indexes)': 'events_no_rls_fk',
  'no RLS, no secondary index (foreign key, primary key)': 'events_fk_pk',
  'primary key only (no RLS, no foreign key, no secondary index)': 'events_pk',
};

async function main(): Promise<void> {
  const database = await createScratchDatabase('tenantry_bench_event_row');
  const owner = postgres(database.ownerUrl, { max: 1, onnotice: () => undefined });
  try {
    await owner`insert into plans (key, name, features, limits) values ('bench', 'Bench', '[]', '{}') on conflict do nothing`;
    const [tenant] = await owner`insert into tenants (slug, name, plan) values ('bench', 'Bench', 'bench') returning id`;
    const tenantId = tenant!.id as string;
    await owner.unsafe(`
      create table changes (tenant_id uuid not null, id uuid not null, name text not null, primary key (tenant_id, id));
      create table events_no_rls_fk (like events including defaults including indexes);
      create table events_fk_pk (like events including defaults);
      alter table events_fk_pk add primary key (tenant_id, id);
      alter table events_fk_pk add foreign key (tenant_id) references tenants (id);
      create table events_pk (like events including defaults);
      alter table events_pk add primary key (tenant_id, id);
      grant select, insert on changes, events_no_rls_fk, events_fk_pk, events_pk to tenantry_app;
    `);
    const app = postgres(database.appUrl, { max: 1, prepare: true, onnotice: () => undefined });
    const [{ pid }] = (await app`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    // What EventLog writes for a project.created: the API's presentation of the project.
    const data = JSON.stringify({ object: { id: randomUUID(), name: 'p', description: null, createdAt: new Date(), updatedAt: new Date() } });
    const perTransaction: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const names = Object.keys(VARIANTS);
      for (const name of round % 2 === 0 ? names : names.reverse()) {
        const table = VARIANTS[name];
        const before = processCpuSeconds(pid)!;
        for (let index = 0; index < TRANSACTIONS; index++) {
          await app.begin((tx) => [
            tx`select set_config('app.current_tenant_id', ${tenantId}, true)`,
            tx`insert into changes (tenant_id, id, name) values (${tenantId}, ${randomUUID()}, 'p')`,
            ...(table ? [tx.unsafe(`insert into ${table} (tenant_id, id, type, data) values ($1, $2, $3, $4)`, [tenantId, randomUUID(), 'project.created', data], { prepare: true })] : []),
          ]);
        }
        (perTransaction[name] ??= []).push(((processCpuSeconds(pid)! - before) / TRANSACTIONS) * 1e6);
      }
    }
    await app.end();
    const none = median(perTransaction['no event']!);
    console.log(`PostgreSQL backend CPU per write transaction, medians of ${ROUNDS} rounds of ${TRANSACTIONS}:`);
    for (const [name, values] of Object.entries(perTransaction)) {
      const cost = median(values);
      console.log(`  ${name.padEnd(64)} ${cost.toFixed(1).padStart(7)} µs${VARIANTS[name] !== undefined ? `  (the event row: +${(cost - none).toFixed(1)} µs)` : ''}`);
    }
  } finally {
    await owner.end();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
