import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Audit } from '@tenantry/audit';
import { Roles } from '@tenantry/auth';
import { RequireFeature } from '@tenantry/plans';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreateSsoConnectionDto, SsoConnectionPage, SsoConnectionResponse, UpdateSsoConnectionDto } from './dto/sso-connection.dto';
import { SsoConnectionsService } from './sso-connections.service';

/** The tenant's identity providers (plan feature `sso`). */
@Roles('admin')
@RequireFeature('sso')
@TenantRequests()
@Controller('v1/tenant/sso/connections')
export class SsoConnectionsController {
  constructor(private readonly connections: SsoConnectionsService) {}

  @Audit('sso.connection_created', 'sso_connection')
  @Post()
  create(@Body() body: CreateSsoConnectionDto): Promise<SsoConnectionResponse> {
    return this.connections.create(body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<SsoConnectionPage> {
    return this.connections.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<SsoConnectionResponse> {
    return this.connections.get(id);
  }

  @Audit('sso.connection_updated', 'sso_connection')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSsoConnectionDto): Promise<SsoConnectionResponse> {
    return this.connections.update(id, body);
  }

  @Audit('sso.connection_deleted', 'sso_connection')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.connections.remove(id);
  }
}
