import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { AppConfig } from '@tenantry/config';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { ExportRequestedResponse, JobResponse } from '../jobs/dto/job.dto';
import { exportDownload, presentJob } from '../jobs/job-view';
import { TenantProfileResponse } from './dto/tenant-profile.dto';
import { TenantSettingsPatchDto } from './dto/tenant-settings.dto';
import { TenantService } from './tenant.service';

@TenantRequests()
@Controller('v1/tenant')
export class TenantController {
  constructor(
    private readonly tenant: TenantService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  profile(): Promise<TenantProfileResponse> {
    return this.tenant.profile();
  }

  @Roles('admin')
  @Audit('tenant.settings_updated')
  @ApiOkResponse({ type: TenantProfileResponse })
  @ApiConflictResponse({ description: '`security.requireMfa: true` while the caller has no MFA itself' })
  @Patch('settings')
  patchSettings(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: TenantSettingsPatchDto): Promise<TenantProfileResponse> {
    return this.tenant.patchSettings(actor, body.toPatch());
  }

  @Roles('owner')
  @Audit('tenant.export_requested')
  @Post('export')
  @HttpCode(202)
  export(@CurrentTenantPrincipal() principal: TenantPrincipal): Promise<ExportRequestedResponse> {
    return this.tenant.requestExport(principal);
  }

  @Roles('owner')
  @Get('exports/:jobId')
  async exportJob(@CurrentTenantPrincipal() principal: TenantPrincipal, @Param('jobId') jobId: string): Promise<JobResponse> {
    const job = await this.tenant.ownExportJob(principal, jobId);
    return presentJob(job, `/v1/tenant/exports/${job.id}/download`);
  }

  @Roles('owner')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'The export: one `{"table", "row"}` per line', schema: { type: 'string', format: 'binary' } })
  @Get('exports/:jobId/download')
  async download(@CurrentTenantPrincipal() principal: TenantPrincipal, @Param('jobId') jobId: string) {
    return exportDownload(await this.tenant.ownExportJob(principal, jobId), this.config);
  }
}
