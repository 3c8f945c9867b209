import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Clock, CLOCK, isValidEvent, monthPeriod, OverQuotaFlags, rollUp } from '@tenantry/metering';
import { meteringDroppedEvents, meteringRolledUpEvents, meteringRollupLag } from '@tenantry/metrics';
import type { UsageBatchJobData } from '@tenantry/queues';
import { UUID_PATTERN } from '@tenantry/tenancy';
import { UsageRollupRepository } from './usage-rollup.repository';

export interface RollupResult {
  events: number;
  /** Events of tenants whose part of the batch was already applied (a replay): added nothing. */
  replayedEvents: number;
  /** Events of tenants that no longer exist (purged) or are deleted. */
  discardedEvents: number;
  tenants: number;
}

/** One usage batch: validate, sum, apply exactly once, then mark tenants that went over quota. */
@Injectable()
export class UsageRollupService {
  private readonly logger = new Logger(UsageRollupService.name);

  constructor(
    private readonly repository: UsageRollupRepository,
    private readonly flags: OverQuotaFlags,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async applyBatch(data: Partial<UsageBatchJobData> | undefined): Promise<RollupResult> {
    if (typeof data?.batchId !== 'string' || !UUID_PATTERN.test(data.batchId) || !Array.isArray(data.events)) {
      throw new UnrecoverableError('usage batch without a valid batchId and events');
    }
    const events = data.events.filter(isValidEvent);
    if (events.length < data.events.length) {
      const malformed = data.events.length - events.length;
      meteringDroppedEvents.inc({ reason: 'malformed' }, malformed);
      this.logger.warn(`usage batch ${data.batchId}: ignored ${malformed} malformed events`);
    }
    const rollups = rollUp(events);
    const applied = rollups.length > 0 ? await this.repository.apply(data.batchId, rollups) : [];

    // After COMMIT, never inside the transaction: Redis is an external call.
    const now = this.clock.now();
    const period = monthPeriod(now);
    const overQuota = applied
      .filter((tenant) => tenant.monthlyQuota !== undefined && (tenant.apiCallsByMonth.get(period.start) ?? 0) >= tenant.monthlyQuota)
      .map((tenant) => ({ tenantId: tenant.tenantId, resetsAt: period.end }));
    await this.flags.apply(overQuota);

    const result: RollupResult = { events: events.length, replayedEvents: 0, discardedEvents: 0, tenants: rollups.length };
    rollups.forEach((rollup, index) => {
      const outcome = applied[index]!;
      if (!outcome.isKnownTenant) result.discardedEvents += rollup.events;
      else if (!outcome.isApplied) result.replayedEvents += rollup.events;
      else meteringRollupLag.observe(Math.max(0, now - rollup.oldestAt) / 1000);
    });
    meteringRolledUpEvents.inc(result.events - result.replayedEvents - result.discardedEvents);
    if (result.discardedEvents > 0) meteringDroppedEvents.inc({ reason: 'unknown_tenant' }, result.discardedEvents);
    return result;
  }
}
