import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentSystemAdmin, SystemAdminOnly } from '@tenantry/auth';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { AdminService } from './admin.service';
import { AdminTenantKeysService } from './admin-tenant-keys.service';
import { ExportRequestedResponse } from '../jobs/dto/job.dto';
import {
  DataKeyRotatedResponse,
  DeletedTenantResponse,
  ImpersonateDto,
  ImpersonationResponse,
  ListTenantsQuery,
  TenantDetailResponse,
  TenantPage,
  TenantResponse,
  UpdateTenantDto,
} from './dto/admin-tenants.dto';
import { CreateTenantDto, ProvisionedTenantResponse } from './dto/create-tenant.dto';
import { ConfigPatchDto } from './dto/config-patch.dto';

@SystemAdminOnly()
@Controller('v1/admin/tenants')
export class AdminTenantsController {
  constructor(
    private readonly admin: AdminService,
    private readonly keys: AdminTenantKeysService,
  ) {}

  @Audit('tenant.created', 'tenant')
  @ApiCreatedResponse({ type: ProvisionedTenantResponse })
  @ApiConflictResponse({ description: 'The slug is taken' })
  @Post()
  create(@Body() body: CreateTenantDto): Promise<ProvisionedTenantResponse> {
    return this.admin.provisionTenant(body);
  }

  @Get()
  list(@Query() query: ListTenantsQuery): Promise<TenantPage> {
    return this.admin.listTenants(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TenantDetailResponse> {
    return this.admin.getTenant(id);
  }

  @Audit('tenant.updated', 'tenant')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateTenantDto): Promise<TenantResponse> {
    return this.admin.updateTenant(id, body);
  }

  @Audit('tenant.config_changed', 'tenant')
  @ApiOkResponse({ type: TenantDetailResponse, description: 'The tenant with its new effective config' })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id/config')
  patchConfig(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConfigPatchDto): Promise<TenantDetailResponse> {
    return this.admin.patchConfig(id, body.toPatch());
  }

  @Audit('tenant.suspended', 'tenant')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string): Promise<TenantResponse> {
    return this.admin.setSuspended(id, true);
  }

  @Audit('tenant.resumed', 'tenant')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string): Promise<TenantResponse> {
    return this.admin.setSuspended(id, false);
  }

  @Audit('tenant.deleted', 'tenant')
  @Delete(':id')
  @HttpCode(202)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<DeletedTenantResponse> {
    return this.admin.deleteTenant(id);
  }

  @Audit('tenant.export_requested', 'tenant')
  @ApiAcceptedResponse({ type: ExportRequestedResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/export')
  @HttpCode(202)
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal): Promise<ExportRequestedResponse> {
    return this.admin.exportTenant(id, admin.adminId);
  }

  @Audit('tenant.impersonated', 'user')
  @ApiOkResponse({ type: ImpersonationResponse })
  @ApiConflictResponse({ description: 'The tenant is not active' })
  @Post(':id/impersonate')
  @HttpCode(200)
  impersonate(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentSystemAdmin() admin: SystemAdminPrincipal,
    @Body() body: ImpersonateDto,
  ): Promise<ImpersonationResponse> {
    return this.admin.impersonate(id, admin.adminId, body);
  }

  @Audit('tenant.data_key_rotated', 'tenant')
  @ApiOkResponse({ type: DataKeyRotatedResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/keys/rotate')
  @HttpCode(200)
  rotateKeys(@Param('id', ParseUUIDPipe) id: string): Promise<DataKeyRotatedResponse> {
    return this.keys.rotate(id);
  }
}
