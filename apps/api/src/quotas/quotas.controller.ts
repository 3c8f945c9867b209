import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Clock, CLOCK, monthPeriod } from '@tenantry/metering';
import { EffectiveConfigService, LIMIT, rateLimitState } from '@tenantry/plans';
import { TenantRequests } from '@tenantry/tenancy';
import { UsageRepository } from '../usage/usage.repository';
import { QuotaResponse } from './dto/quota.dto';
import { QuotasRepository } from './quotas.repository';

@TenantRequests()
@Controller('v1/quotas')
export class QuotasController {
  constructor(
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly repository: QuotasRepository,
    private readonly usage: UsageRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Each limit of the tenant's effective config with what is used of it. */
  @Get()
  async list(@Res({ passthrough: true }) response: Response): Promise<QuotaResponse[]> {
    const month = monthPeriod(this.clock.now());
    const [config, usage, apiCalls] = await Promise.all([
      this.effectiveConfig.current(),
      this.repository.usage(),
      this.usage.apiCallsInMonth(new Date(month.start)),
    ]);
    const rate = rateLimitState(response).decision;
    const limitOf = (name: string) => config.limits[name] ?? null;
    return [
      { metric: LIMIT.SEATS, limit: limitOf(LIMIT.SEATS), used: usage.seats, period: 'none', resetsAt: null },
      { metric: LIMIT.PROJECTS, limit: limitOf(LIMIT.PROJECTS), used: usage.projects, period: 'none', resetsAt: null },
      {
        metric: LIMIT.REQUESTS_PER_MINUTE,
        limit: limitOf(LIMIT.REQUESTS_PER_MINUTE),
        used: rate?.isLimited && !rate.isFailOpen ? rate.limit - rate.remaining : null,
        period: 'minute',
        resetsAt: rate?.isLimited && !rate.isFailOpen ? new Date(Date.now() + rate.resetSeconds * 1000).toISOString() : null,
      },
      // Rolled-up calls: behind the live count by the metering lag (about two seconds).
      { metric: LIMIT.API_CALLS_PER_MONTH, limit: limitOf(LIMIT.API_CALLS_PER_MONTH), used: apiCalls, period: 'month', resetsAt: new Date(month.end).toISOString() },
    ];
  }
}
