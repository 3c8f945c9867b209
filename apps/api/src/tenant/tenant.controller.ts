import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { exportDownload, presentJob } from '../jobs/job-view';
import { TenantSettingsPatchDto } from './dto/tenant-settings.dto';
import { TenantService } from './tenant.service';

@Controller('v1/tenant')
export class TenantController {
  constructor(
    private readonly tenant: TenantService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  profile() {
    return this.tenant.profile();
  }

  @Roles('admin')
  @Audit('tenant.settings_updated')
  @Patch('settings')
  patchSettings(@Body() body: TenantSettingsPatchDto) {
    return this.tenant.patchSettings(body.toPatch());
  }

  @Roles('owner')
  @Audit('tenant.export_requested')
  @Post('export')
  @HttpCode(202)
  export(@CurrentTenantPrincipal() principal: TenantPrincipal) {
    return this.tenant.requestExport(principal);
  }

  @Roles('owner')
  @Get('exports/:jobId')
  async exportJob(@CurrentTenantPrincipal() principal: TenantPrincipal, @Param('jobId') jobId: string) {
    const job = await this.tenant.ownExportJob(principal, jobId);
    return presentJob(job, `/v1/tenant/exports/${job.id}/download`);
  }

  @Roles('owner')
  @Get('exports/:jobId/download')
  async download(@CurrentTenantPrincipal() principal: TenantPrincipal, @Param('jobId') jobId: string) {
    return exportDownload(await this.tenant.ownExportJob(principal, jobId), this.config);
  }
}
