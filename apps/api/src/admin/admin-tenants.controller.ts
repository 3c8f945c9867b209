import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuditedInService } from '@tenantry/audit';
import { CurrentSystemAdmin, SystemAdminOnly } from '@tenantry/auth';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminTenantKeysService } from './admin-tenant-keys.service';
import { AdminTenantUsersService } from './admin-tenant-users.service';
import { ListTenantUsersQuery, TenantUserPage } from './dto/admin-tenant-users.dto';
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
@TenantRequests()
@Controller('v1/admin/tenants')
export class AdminTenantsController {
  constructor(
    private readonly tenants: AdminTenantsService,
    private readonly keys: AdminTenantKeysService,
    private readonly users: AdminTenantUsersService,
  ) {}

  @AuditedInService('tenant.created')
  @ApiCreatedResponse({ type: ProvisionedTenantResponse })
  @ApiConflictResponse({ description: 'The slug is taken' })
  @Post()
  @Header('Cache-Control', 'no-store')
  create(@Body() body: CreateTenantDto): Promise<ProvisionedTenantResponse> {
    return this.tenants.provisionTenant(body);
  }

  @Get()
  list(@Query() query: ListTenantsQuery): Promise<TenantPage> {
    return this.tenants.listTenants(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TenantDetailResponse> {
    return this.tenants.getTenant(id);
  }

  @AuditedInService('tenant.updated', 'tenant.plan_changed')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateTenantDto): Promise<TenantResponse> {
    return this.tenants.updateTenant(id, body);
  }

  @AuditedInService('tenant.config_changed')
  @ApiOkResponse({ type: TenantDetailResponse, description: 'The tenant with its new effective config' })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id/config')
  patchConfig(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConfigPatchDto): Promise<TenantDetailResponse> {
    return this.tenants.patchConfig(id, body.toPatch());
  }

  @AuditedInService('tenant.suspended')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string): Promise<TenantResponse> {
    return this.tenants.setSuspended(id, true);
  }

  @AuditedInService('tenant.resumed')
  @ApiOkResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string): Promise<TenantResponse> {
    return this.tenants.setSuspended(id, false);
  }

  @AuditedInService('tenant.deleted')
  @Delete(':id')
  @HttpCode(202)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<DeletedTenantResponse> {
    return this.tenants.deleteTenant(id);
  }

  @AuditedInService('tenant.export_requested')
  @ApiAcceptedResponse({ type: ExportRequestedResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/export')
  @HttpCode(202)
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal): Promise<ExportRequestedResponse> {
    return this.tenants.exportTenant(id, admin.adminId);
  }

  /** The tenant's users (newest first, `q` matching the email): whom an operator may impersonate. */
  @Get(':id/users')
  listUsers(@Param('id', ParseUUIDPipe) id: string, @Query() query: ListTenantUsersQuery): Promise<TenantUserPage> {
    return this.users.list(id, query);
  }

  @AuditedInService('tenant.impersonated')
  @ApiOkResponse({ type: ImpersonationResponse })
  @ApiConflictResponse({ description: 'The tenant is not active' })
  @Post(':id/impersonate')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  impersonate(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentSystemAdmin() admin: SystemAdminPrincipal,
    @Body() body: ImpersonateDto,
  ): Promise<ImpersonationResponse> {
    return this.tenants.impersonate(id, admin.adminId, body);
  }

  @AuditedInService('tenant.data_key_rotated')
  @ApiOkResponse({ type: DataKeyRotatedResponse })
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/keys/rotate')
  @HttpCode(200)
  rotateKeys(@Param('id', ParseUUIDPipe) id: string): Promise<DataKeyRotatedResponse> {
    return this.keys.rotate(id);
  }
}
