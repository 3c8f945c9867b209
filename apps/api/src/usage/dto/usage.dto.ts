import { ApiProperty } from '@nestjs/swagger';
import { QUERY_GRANULARITIES, QueryGranularity } from './usage-query.dto';

/** One metric's total in one bucket. */
export class UsageBucket {
  /** `api_calls`, or a domain event such as `projects.created`. @example "api_calls" */
  metric: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-02T00:00:00.000Z', description: 'Start of the hour, day or month (UTC)' })
  bucketStart: string;

  /** @example 1523 */
  value: number;
}

/** The window an answer covers. */
class UsageWindowReport {
  @ApiProperty({ enum: QUERY_GRANULARITIES, example: 'day' })
  granularity: QueryGranularity;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T00:00:00.000Z', description: 'The window, inclusive' })
  from: string;

  @ApiProperty({ format: 'date-time', example: '2025-02-01T00:00:00.000Z', description: 'The window, exclusive' })
  to: string;
}

/** A tenant's rollups in the window, oldest bucket first; behind live traffic by the metering lag (seconds). */
export class UsageReport extends UsageWindowReport {
  data: UsageBucket[];
}

/** One tenant's metric total in one bucket. */
export class TenantUsageBucket extends UsageBucket {
  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  tenantId: string;
}

/** All tenants' rollups (or one tenant's), oldest bucket first, paged. */
export class AdminUsageReport extends UsageWindowReport {
  data: TenantUsageBucket[];

  /** Null on the last page. @example "WyIyMDI1LTAxLTAyVDAwOjAwOjAwLjAwMFoiLCI1YTBjOGY3ZSJd" */
  nextCursor: string | null;
}
