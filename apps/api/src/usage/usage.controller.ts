import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '@tenantry/auth';
import { Clock, CLOCK } from '@tenantry/metering';
import { TenantRequests } from '@tenantry/tenancy';
import { UsageQuery } from './dto/usage-query.dto';
import { UsageReport } from './dto/usage.dto';
import { UsageRepository } from './usage.repository';
import { presentWindow, resolveUsageWindow } from './usage-window';

@Roles('admin')
@TenantRequests()
@Controller('v1/usage')
export class UsageController {
  constructor(
    private readonly repository: UsageRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** This tenant's usage per metric and hour, day or month (UTC), oldest first. */
  @Get()
  async list(@Query() query: UsageQuery): Promise<UsageReport> {
    const window = resolveUsageWindow(query, this.clock.now());
    const rows = await this.repository.list(window);
    return {
      ...presentWindow(window),
      data: rows.map((row) => ({ metric: row.metric, bucketStart: row.bucketStart.toISOString(), value: row.value })),
    };
  }
}
