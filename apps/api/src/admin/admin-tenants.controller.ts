import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
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
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateTenantDto) {
    return this.admin.updateTenant(id, body);
  }

  @Audit('tenant.config_changed', 'tenant')
  @Patch(':id/config')
  patchConfig(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConfigPatchDto) {
    return this.admin.patchConfig(id, body.toPatch());
  }

  @Audit('tenant.suspended', 'tenant')
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.setSuspended(id, true);
  }

  @Audit('tenant.resumed', 'tenant')
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
  @Post(':id/export')
  @HttpCode(202)
  export(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal) {
    return this.admin.exportTenant(id, admin.adminId);
  }

  @Audit('tenant.impersonated', 'user')
  @Post(':id/impersonate')
  @HttpCode(200)
  impersonate(@Param('id', ParseUUIDPipe) id: string, @CurrentSystemAdmin() admin: SystemAdminPrincipal, @Body() body: ImpersonateDto) {
    return this.admin.impersonate(id, admin.adminId, body);
  }
}
