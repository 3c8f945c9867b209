import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { API_CALLS_QUOTA, Clock, CLOCK, monthPeriod } from '@tenantry/metering';
import { EffectiveConfigService, rateLimitState } from '@tenantry/plans';
import { UsageRepository } from '../usage/usage.repository';
import { QuotaResponse } from './dto/quota.dto';
import { QuotasRepository } from './quotas.repository';

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
      { metric: 'seats', limit: limitOf('seats'), used: usage.seats, period: 'none', resetsAt: null },
      { metric: 'projects', limit: limitOf('projects'), used: usage.projects, period: 'none', resetsAt: null },
      {
        metric: 'requests_per_minute',
        limit: limitOf('requests_per_minute'),
        used: rate?.isLimited && !rate.isFailOpen ? rate.limit - rate.remaining : null,
        period: 'minute',
        resetsAt: rate?.isLimited && !rate.isFailOpen ? new Date(Date.now() + rate.resetSeconds * 1000).toISOString() : null,
      },
      // Rolled-up calls: behind the live count by the metering lag (about two seconds).
      { metric: API_CALLS_QUOTA, limit: limitOf(API_CALLS_QUOTA), used: apiCalls, period: 'month', resetsAt: new Date(month.end).toISOString() },
    ];
  }
}
