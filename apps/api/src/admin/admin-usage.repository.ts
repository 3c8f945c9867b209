import { BadRequestException, Injectable } from '@nestjs/common';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { usageRollups } from '@tenantry/db';
import { METRIC_NAME } from '@tenantry/metering';
import { SystemTransaction } from '@tenantry/system-db';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { EARLIEST_USAGE_DATE, LATEST_USAGE_DATE } from '../usage/dto/usage-query.dto';
import type { UsageWindow } from '../usage/usage-window';

/** Position after the last row of a page of cross-tenant usage: (bucket_start, tenant_id, metric). */
export interface UsagePosition {
  bucketStart: Date;
  tenantId: string;
  metric: string;
}

export const encodeUsageCursor = (p: UsagePosition) =>
  Buffer.from(JSON.stringify([p.bucketStart.toISOString(), p.tenantId, p.metric])).toString('base64url');

export function decodeUsageCursor(cursor: string | undefined): UsagePosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, tenantId, metric] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const bucketStart = typeof at === 'string' ? new Date(at) : new Date(NaN);
    const time = bucketStart.getTime();
    const isInRange = time >= EARLIEST_USAGE_DATE.getTime() && time < LATEST_USAGE_DATE.getTime();
    if (isInRange && typeof tenantId === 'string' && UUID_PATTERN.test(tenantId) && typeof metric === 'string' && METRIC_NAME.test(metric)) {
      return { bucketStart, tenantId, metric };
    }
  } catch {
    // fall through to the 400 below
  }
  throw new BadRequestException('cursor is not valid');
}

/** Usage across tenants, for system admins (system pool, in the caller's SystemTransaction: the tenant is an explicit filter). */
@Injectable()
export class AdminUsageRepository {
  constructor(private readonly system: SystemTransaction) {}

  /** Oldest bucket first; served by (granularity, bucket_start), or by the primary key with a tenant. */
  list(window: UsageWindow, filter: { tenantId?: string; limit: number; after?: UsagePosition }) {
    const after = filter.after;
    return this.system.tx
      .select({ tenantId: usageRollups.tenantId, metric: usageRollups.metric, bucketStart: usageRollups.bucketStart, value: usageRollups.value })
      .from(usageRollups)
      .where(
        and(
          filter.tenantId ? eq(usageRollups.tenantId, filter.tenantId) : undefined,
          window.metric ? eq(usageRollups.metric, window.metric) : undefined,
          eq(usageRollups.granularity, window.granularity),
          gte(usageRollups.bucketStart, window.from),
          lt(usageRollups.bucketStart, window.to),
          after
            ? sql`(${usageRollups.bucketStart}, ${usageRollups.tenantId}, ${usageRollups.metric}) > (${after.bucketStart.toISOString()}::timestamptz, ${after.tenantId}::uuid, ${after.metric})`
            : undefined,
        ),
      )
      .orderBy(asc(usageRollups.bucketStart), asc(usageRollups.tenantId), asc(usageRollups.metric))
      .limit(filter.limit + 1);
  }

  /** Every metric of one tenant in the month starting at `monthStart`. */
  async monthTotals(tenantId: string, monthStart: Date): Promise<Record<string, number>> {
    const rows = await this.system.tx
      .select({ metric: usageRollups.metric, value: usageRollups.value })
      .from(usageRollups)
      .where(and(eq(usageRollups.tenantId, tenantId), eq(usageRollups.granularity, 'month'), eq(usageRollups.bucketStart, monthStart)));
    return Object.fromEntries(rows.map((row) => [row.metric, row.value]));
  }
}
