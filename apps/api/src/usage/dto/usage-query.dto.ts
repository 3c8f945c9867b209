import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxDate, MaxLength, Min, MinDate } from 'class-validator';
import { METRIC_NAME } from '@tenantry/metering';

export const QUERY_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type QueryGranularity = (typeof QUERY_GRANULARITIES)[number];

/** Dates a usage window may name: PostgreSQL's timestamps end at year 9999. */
export const EARLIEST_USAGE_DATE = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_USAGE_DATE = new Date('9999-01-01T00:00:00.000Z');

/** `?from&to&granularity&metric` of the usage APIs; from inclusive, to exclusive. */
export class UsageQuery {
  /** Inclusive; by default one day (hour), 30 days (day) or 365 days (month) before `to`. @example "2025-01-01T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO-8601 date' })
  @MinDate(EARLIEST_USAGE_DATE, { message: 'from must not be before 1970' })
  @MaxDate(LATEST_USAGE_DATE, { message: 'from must be before the year 9999' })
  from?: Date;

  /** Exclusive; by default now. @example "2025-02-01T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO-8601 date' })
  @MinDate(EARLIEST_USAGE_DATE, { message: 'to must not be before 1970' })
  @MaxDate(LATEST_USAGE_DATE, { message: 'to must be before the year 9999' })
  to?: Date;

  @ApiPropertyOptional({
    enum: QUERY_GRANULARITIES,
    default: 'day',
    description: 'Buckets in UTC; a window spans at most 31 days (hour), 366 days (day) or 5 years (month)',
  })
  @IsOptional()
  @IsIn(QUERY_GRANULARITIES, { message: `granularity must be one of ${QUERY_GRANULARITIES.join(', ')}` })
  granularity: QueryGranularity = 'day';

  /** One metric only. @example "api_calls" */
  @IsOptional()
  @Matches(METRIC_NAME, { message: 'metric must look like api_calls or projects.created' })
  metric?: string;
}

/** The admin's cross-tenant view adds a tenant filter and pages (rows can be many). */
export class AdminUsageQuery extends UsageQuery {
  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100, description: 'Rows per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ maxLength: 300, description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
