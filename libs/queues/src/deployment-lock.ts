import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { Environment } from '@tenantry/config';
import { createDatabase } from '@tenantry/db';
import { withTimeout } from '@tenantry/redis';

/** Which database a Redis key prefix belongs to: the cluster's system identifier and the database's name. */
export interface DeploymentIdentity {
  systemIdentifier: string;
  database: string;
}

/** The key, beside the prefix's other keys, that names the database the prefix belongs to. */
export const deploymentKey = (prefix: string): string => `${prefix}:deployment`;

const CHECK_TIMEOUT_MS = 5000;

/** REDIS_KEY_PREFIX is taken by a deployment on another database: this process must not start. */
export class DeploymentConflictError extends Error {
  constructor(prefix: string, owner: DeploymentIdentity, ours: DeploymentIdentity) {
    super(
      `REDIS_KEY_PREFIX "${prefix}" belongs to another deployment (database "${owner.database}" of PostgreSQL system ${owner.systemIdentifier}; ` +
        `this one is "${ours.database}" of ${ours.systemIdentifier}): set a REDIS_KEY_PREFIX of its own for each deployment sharing this Redis`,
    );
    this.name = 'DeploymentConflictError';
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const sameDeployment = (a: DeploymentIdentity, b: DeploymentIdentity) => a.systemIdentifier === b.systemIdentifier && a.database === b.database;

/** The database DATABASE_URL points at, as the app role sees it (pg_control_system() is granted to PUBLIC). */
export async function readDeploymentIdentity(databaseUrl: string): Promise<DeploymentIdentity> {
  const database = createDatabase(databaseUrl, { poolSize: 1, applicationName: 'tenantry-deployment-check', prepare: false });
  try {
    const [row] = await withTimeout(
      database.client<{ system_identifier: string; database: string }[]>`
        select (select system_identifier::text from pg_control_system()) as system_identifier, current_database() as database`,
      CHECK_TIMEOUT_MS,
      'PostgreSQL',
    );
    return { systemIdentifier: row!.system_identifier, database: row!.database };
  } finally {
    await database.close().catch(() => undefined);
  }
}

/** `SET <prefix>:deployment NX` with our identity, then the identity the key holds: ours or the owner's. */
export async function claimDeploymentKey(redis: Redis, prefix: string, ours: DeploymentIdentity): Promise<DeploymentIdentity> {
  const key = deploymentKey(prefix);
  const claim = JSON.stringify({ ...ours, claimedAt: new Date().toISOString() });
  await withTimeout(redis.set(key, claim, 'NX'), CHECK_TIMEOUT_MS, 'Redis');
  const stored = await withTimeout(redis.get(key), CHECK_TIMEOUT_MS, 'Redis');
  return stored ? (JSON.parse(stored) as DeploymentIdentity) : ours;
}

/**
 * Two deployments sharing a Redis under one REDIS_KEY_PREFIX take each other's jobs (an export of
 * a tenant the other database does not have, a purge, usage). At boot, before anything writes a
 * BullMQ key, the API and the worker claim the prefix for their database: `SET <prefix>:deployment
 * NX` with the identity, then read it back. Another database's identity refuses the start
 * (DeploymentConflictError); the same database (more processes, a rolling deploy) goes on. A Redis
 * restarted empty has no claim: a running worker writes it again when it reconnects (JobSchedules),
 * and so does the next process to start. When PostgreSQL or
 * Redis does not answer, the check is skipped with a warning: the process starts as before and its
 * readiness reports what is down.
 */
export async function claimRedisKeyPrefix(env: Environment, logger = new Logger('DeploymentLock')): Promise<DeploymentIdentity | undefined> {
  if (!env.DATABASE_URL) return undefined;
  const prefix = env.REDIS_KEY_PREFIX;
  let ours: DeploymentIdentity;
  try {
    ours = await readDeploymentIdentity(env.DATABASE_URL);
  } catch (error) {
    logger.warn(`could not check which database REDIS_KEY_PREFIX "${prefix}" belongs to: PostgreSQL: ${reason(error)}`);
    return undefined;
  }
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  let owner: DeploymentIdentity;
  try {
    await withTimeout(redis.connect(), CHECK_TIMEOUT_MS, 'Redis');
    owner = await claimDeploymentKey(redis, prefix, ours);
  } catch (error) {
    logger.warn(`could not check which database REDIS_KEY_PREFIX "${prefix}" belongs to: Redis: ${reason(error)}`);
    return undefined;
  } finally {
    redis.disconnect();
  }
  if (!sameDeployment(owner, ours)) throw new DeploymentConflictError(prefix, owner, ours);
  return ours;
}
