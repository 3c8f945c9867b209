import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@tenantry/config';
import type { Transaction } from '@tenantry/db';
import { REDIS, withTimeout } from '@tenantry/redis';
import { TenantTransaction } from './tenant-transaction';

const BUMP_TIMEOUT_MS = 1000;

/**
 * How long a tenant's access version lives in Redis. Its loss only costs every process one check
 * of the tenant from the database (the rate limiter then creates a fresh value), so it expires
 * rather than outliving the tenant.
 */
export const TENANT_ACCESS_VERSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A tenant's access version: an opaque value that changes with everything the per-request tenant
 * and user check reads (the tenant's status or slug; a user's role, status or existence; a session
 * revoked). Same hash slot as the tenant's other keys. The rate limiter reads it (and creates a
 * fresh one if it is missing) in the EVALSHA every tenant request makes; TenantAccessVersions
 * bumps it.
 */
export const tenantAccessVersionKey = (prefix: string, tenantId: string): string => `${prefix}:t:{${tenantId}}:access`;

const REQUEST_ACCESS_VERSION = Symbol('tenancy.accessVersion');

type WithAccessVersion = Request & { [REQUEST_ACCESS_VERSION]?: string };

/** Records the access version the request's rate-limit EVALSHA read (the rate-limit guard calls it). */
export function setRequestAccessVersion(request: Request, version: string): void {
  (request as WithAccessVersion)[REQUEST_ACCESS_VERSION] = version;
}

/** The request's access version; undefined when no rate limit ran or Redis did not answer. */
export function requestAccessVersion(request: Request): string | undefined {
  return (request as WithAccessVersion)[REQUEST_ACCESS_VERSION];
}

/**
 * Bumps a tenant's access version after a change the per-request check reads has committed, so
 * that every API process checks the tenant's requests from the database again on their next
 * request (TenantAccessCache). The change's answer waits for the bump. Never throws: should Redis
 * not answer, it is logged; processes that cannot reach Redis have no version and check the
 * database anyway, and the others' entries live at most TENANT_ACCESS_CACHE_MAX_AGE_MS.
 */
@Injectable()
export class TenantAccessVersions {
  private readonly logger = new Logger(TenantAccessVersions.name);
  /** Transactions that already bump: one bump per transaction, however many rows it changed. */
  private readonly bumping = new WeakSet<Transaction>();

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * For a write in the active tenant transaction: bumps the tenant's version once the transaction
   * has committed (never if it rolls back), and the transaction's `run` waits for it.
   */
  bumpAfterCommit(): void {
    const { tx, tenantId } = this.tenantTransaction;
    if (this.bumping.has(tx)) return;
    this.bumping.add(tx);
    this.tenantTransaction.afterCommit(() => this.bump(tenantId), { isAwaited: true });
  }

  /** Bumps now: call it after the change has committed (for the system side, from SystemTransaction.afterCommit). */
  async bump(tenantId: string): Promise<void> {
    try {
      const key = tenantAccessVersionKey(this.config.get('REDIS_KEY_PREFIX'), tenantId);
      await withTimeout(this.redis.set(key, randomUUID(), 'PX', TENANT_ACCESS_VERSION_TTL_MS), BUMP_TIMEOUT_MS, 'Redis');
    } catch (error) {
      this.logger.warn(
        `could not bump the access version of tenant ${tenantId} (${(error as Error).message}); API processes re-check its requests within their cache lifetime`,
      );
    }
  }
}
