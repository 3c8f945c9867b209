import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EffectiveConfigService, RateLimitDecision } from '@tenantry/plans';
import { QuotasRepository } from './quotas.repository';

export interface QuotaView {
  metric: string;
  limit: number | null;
  used: number | null;
  period: 'none' | 'minute' | 'month';
  resetsAt: string | null;
}

@Controller('v1/quotas')
export class QuotasController {
  constructor(
    private readonly effectiveConfig: EffectiveConfigService,
    private readonly repository: QuotasRepository,
  ) {}

  /** Each limit of the tenant's effective config with what is used of it. */
  @Get()
  async list(@Res({ passthrough: true }) response: Response): Promise<QuotaView[]> {
    const [config, usage] = await Promise.all([this.effectiveConfig.current(), this.repository.usage()]);
    const rate = response.locals.rateLimit as RateLimitDecision | undefined;
    const limitOf = (name: string) => config.limits[name] ?? null;
    return [
      { metric: 'seats', limit: limitOf('seats'), used: usage.seats, period: 'none', resetsAt: null },
      { metric: 'projects', limit: limitOf('projects'), used: usage.projects, period: 'none', resetsAt: null },
      {
        metric: 'requests_per_minute',
        limit: limitOf('requests_per_minute'),
        used: rate && !rate.isFailOpen ? rate.limit - rate.remaining : null,
        period: 'minute',
        resetsAt: rate && !rate.isFailOpen ? new Date(Date.now() + rate.resetSeconds * 1000).toISOString() : null,
      },
    ];
  }
}
