import { ApiProperty } from '@nestjs/swagger';
import { TenantSummary } from '../../auth/dto/me.dto';
import { TenantSettings } from './tenant-settings.dto';

/** The tenant's profile with its effective config: its plan's features and limits with its overrides. */
export class TenantProfileResponse extends TenantSummary {
  /** Plan features, as toggled by overrides. @example ["csv_export"] */
  features: string[];

  /**
   * Named limits: `seats`, `projects`, `requests_per_minute`, `requests_burst`, `api_calls_per_month`, `audit_retention_days`, ...
   * @example {"seats": 25, "projects": 100, "requests_per_minute": 600, "requests_burst": 100, "api_calls_per_month": 1000000, "audit_retention_days": 90}
   */
  limits: Record<string, number>;

  @ApiProperty({ type: () => TenantSettings })
  settings: Record<string, unknown>;
}
