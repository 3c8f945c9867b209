import { drizzle, PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { watchPool } from '@tenantry/metrics';
import { trackPoolUsage } from './pool-usage';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A drizzle transaction handle: what repositories run their queries on. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * The postgres.js transaction under a drizzle transaction. A postgres.js query starts when
 * `.execute()` is called, in call order, whereas a drizzle query starts only when awaited: this
 * is how a statement is put on the wire ahead of the drizzle queries that follow it.
 */
export function transactionClient(tx: Transaction): postgres.TransactionSql {
  return (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
}

export interface DatabaseHandle {
  readonly db: Database;
  readonly client: postgres.Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolSize: number;
  applicationName: string;
  /** Per-connection statement_timeout; the roles' own defaults apply when unset. */
  statementTimeoutMs?: number;
  /** The `pool` label of the pool metrics (`app`, `system`); unset: not reported. */
  metricsPool?: string;
}

/**
 * One postgres.js pool with drizzle on top. Prepared statements are reused per connection. Its use
 * is counted for the pool metrics (see trackPoolUsage).
 */
export function createDatabase(url: string, options: DatabaseOptions): DatabaseHandle {
  const client = postgres(url, {
    max: options.poolSize,
    prepare: true,
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: {
      application_name: options.applicationName,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  const usage = { max: options.poolSize, inFlight: 0 };
  const tracked = trackPoolUsage(client, usage);
  const unwatch = options.metricsPool ? watchPool(options.metricsPool, usage) : () => undefined;
  const db = drizzle(tracked, { schema });
  return {
    db,
    client: tracked,
    close: () => {
      unwatch();
      return client.end({ timeout: 5 });
    },
  };
}
