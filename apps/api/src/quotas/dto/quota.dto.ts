import { ApiProperty } from '@nestjs/swagger';

const QUOTA_PERIODS = ['none', 'minute', 'month'] as const;

/** One limit of the tenant's effective config and what is used of it. */
export class QuotaResponse {
  /** `seats`, `projects`, `requests_per_minute` or `api_calls_per_month`. @example "projects" */
  metric: string;

  /** Null when the effective config sets none. @example 100 */
  limit: number | null;

  /**
   * For `requests_per_minute`, the tokens spent from the burst bucket; null without a rate limit
   * or while the limiter fails open. API calls are counted as rolled up, seconds behind live traffic.
   * @example 12
   */
  used: number | null;

  @ApiProperty({ enum: QUOTA_PERIODS, example: 'none', description: '`none` for counted resources (seats, projects), else the window that resets' })
  period: (typeof QUOTA_PERIODS)[number];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null, description: 'When the window resets; null for `none`' })
  resetsAt: string | null;
}
