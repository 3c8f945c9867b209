import { Injectable } from '@nestjs/common';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { usageRollups } from '@tenantry/db';
import { API_CALLS_METRIC } from '@tenantry/metering';
import { TenantTransaction } from '@tenantry/tenancy';
import type { UsageWindow } from './usage-window';

/** The current tenant's usage rollups. */
@Injectable()
export class UsageRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  /** Buckets starting in [from, to), oldest first: one range scan of the primary key per metric. */
  async list(window: UsageWindow) {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select({ metric: usageRollups.metric, bucketStart: usageRollups.bucketStart, value: usageRollups.value })
      .from(usageRollups)
      .where(
        and(
          eq(usageRollups.tenantId, tenantId),
          window.metric ? eq(usageRollups.metric, window.metric) : undefined,
          eq(usageRollups.granularity, window.granularity),
          gte(usageRollups.bucketStart, window.from),
          lt(usageRollups.bucketStart, window.to),
        ),
      )
      .orderBy(asc(usageRollups.bucketStart), asc(usageRollups.metric));
  }

  /** API calls of the month starting at `monthStart` (0 before the first is rolled up). */
  async apiCallsInMonth(monthStart: Date): Promise<number> {
    const { tx, tenantId } = this.tenantTransaction;
    const [row] = await tx
      .select({ value: usageRollups.value })
      .from(usageRollups)
      .where(
        and(
          eq(usageRollups.tenantId, tenantId),
          eq(usageRollups.metric, API_CALLS_METRIC),
          eq(usageRollups.granularity, 'month'),
          eq(usageRollups.bucketStart, monthStart),
        ),
      );
    return row?.value ?? 0;
  }
}
