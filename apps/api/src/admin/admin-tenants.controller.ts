import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentSystemAdmin, SystemAdminOnly } from '@tenantry/auth';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { AdminService } from './admin.service';
import { ImpersonateDto, ListTenantsQuery, UpdateTenantDto } from './dto/admin-tenants.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { ConfigPatchDto } from './dto/config-patch.dto';

@SystemAdminOnly()
@Controller('v1/admin/tenants')
export class AdminTenantsController {
  constructor(private readonly admin: AdminService) {}

  @Audit('tenant.created', 'tenant')
  @ApiConflictResponse({ description: 'The slug is taken' })
  @Post()
  create(@Body() body: CreateTenantDto) {
    return this.admin.provisionTenant(body);
  }

  @Get()
  list(@Query() query: ListTenantsQuery) {
    return this.admin.listTenants(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.getTenant(id);
  }

  @Audit('tenant.updated', 'tenant')
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateTenantDto) {
    return this.admin.updateTenant(id, body);
  }

  @Audit('tenant.config_changed', 'tenant')
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Patch(':id/config')
  patchConfig(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConfigPatchDto) {
    return this.admin.patchConfig(id, body.toPatch());
  }

  @Audit('tenant.suspended', 'tenant')
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.setSuspended(id, true);
  }

  @Audit('tenant.resumed', 'tenant')
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.setSuspended(id, false);
  }

  @Audit('tenant.deleted', 'tenant')
  @Delete(':id')
  @HttpCode(202)
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.deleteTenant(id);
  }

  @Audit('tenant.export_requested', 'tenant')
  @ApiConflictResponse({ description: 'The tenant has been deleted' })
  @Post(':id/export')
  @HttpCode(202)
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal) {
    return this.admin.exportTenant(id, admin.adminId);
  }

  @Audit('tenant.impersonated', 'user')
  @ApiConflictResponse({ description: 'The tenant is not active' })
  @Post(':id/impersonate')
  @HttpCode(200)
  impersonate(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal, @Body() body: ImpersonateDto) {
    return this.admin.impersonate(id, admin.adminId, body);
  }
}
