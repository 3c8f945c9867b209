import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { SystemAdminOnly } from '@tenantry/auth';
import { AdminService } from './admin.service';
import { CreateTenantDto } from './dto/create-tenant.dto';

@SystemAdminOnly()
@Controller('v1/admin/tenants')
export class AdminTenantsController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  create(@Body() body: CreateTenantDto) {
    return this.admin.provisionTenant(body);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.admin.getTenant(id);
  }
}
