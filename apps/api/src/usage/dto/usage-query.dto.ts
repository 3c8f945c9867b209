import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { METRIC_NAME } from '@tenantry/metering';

export const QUERY_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type QueryGranularity = (typeof QUERY_GRANULARITIES)[number];

/** `?from&to&granularity&metric` of the usage APIs; from inclusive, to exclusive. */
export class UsageQuery {
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO-8601 date' })
  from?: Date;

  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO-8601 date' })
  to?: Date;

  @IsOptional()
  @IsIn(QUERY_GRANULARITIES, { message: `granularity must be one of ${QUERY_GRANULARITIES.join(', ')}` })
  granularity: QueryGranularity = 'day';

  @IsOptional()
  @Matches(METRIC_NAME, { message: 'metric must look like api_calls or projects.created' })
  metric?: string;
}

/** The admin's cross-tenant view adds a tenant filter and pages (rows can be many). */
export class AdminUsageQuery extends UsageQuery {
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
