import { drizzle, PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A drizzle transaction handle: what repositories run their queries on. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

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
}

/** One postgres.js pool with drizzle on top. Prepared statements are reused per connection. */
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
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.end({ timeout: 5 }) };
}
