import { Controller, Get, Inject, Query } from '@nestjs/common';
import { SystemAdminOnly } from '@tenantry/auth';
import { Clock, CLOCK } from '@tenantry/metering';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantRequests } from '@tenantry/tenancy';
import { AdminUsageQuery } from '../usage/dto/usage-query.dto';
import { AdminUsageReport } from '../usage/dto/usage.dto';
import { presentWindow, resolveUsageWindow } from '../usage/usage-window';
import { AdminUsageRepository, decodeUsageCursor, encodeUsageCursor } from './admin-usage.repository';

@SystemAdminOnly()
@TenantRequests()
@Controller('v1/admin/usage')
export class AdminUsageController {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminUsageRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** All tenants' usage (or one tenant's with `tenantId`), oldest bucket first, paged. */
  @Get()
  async list(@Query() query: AdminUsageQuery): Promise<AdminUsageReport> {
    const window = resolveUsageWindow(query, this.clock.now());
    const after = decodeUsageCursor(query.cursor);
    const rows = await this.system.run(() => this.repository.list(window, { tenantId: query.tenantId, limit: query.limit, after }));
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      ...presentWindow(window),
      data: page.map((row) => ({ tenantId: row.tenantId, metric: row.metric, bucketStart: row.bucketStart.toISOString(), value: row.value })),
      nextCursor: rows.length > query.limit && last ? encodeUsageCursor(last) : null,
    };
  }
}
