import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { AuditedInService } from '@tenantry/audit';
import { CurrentTenantPrincipal, ScimRoute } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { ScimListQuery } from './dto/scim-query.dto';
import { ScimPatchBody, ScimUserBody, ScimUserList, ScimUserResource } from './dto/scim-resource.dto';
import { SCIM_CONTENT_TYPE } from './scim-protocol';
import { ScimUsersService } from './scim-users.service';

/** SCIM 2.0 Users (RFC 7644 §3), for the tenant's directory with a SCIM bearer token. */
@ScimRoute()
@ApiProduces('application/scim+json')
@ApiConsumes('application/scim+json', 'application/json')
@TenantRequests()
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @ApiOkResponse({ type: ScimUserList })
  @Get()
  @Header('content-type', SCIM_CONTENT_TYPE)
  list(@Query() query: ScimListQuery) {
    return this.users.list(query);
  }

  @AuditedInService('user.provisioned')
  @ApiBody({ type: ScimUserBody })
  @ApiCreatedResponse({ type: ScimUserResource })
  @Post()
  @Header('content-type', SCIM_CONTENT_TYPE)
  create(@Body() body: Record<string, unknown>) {
    return this.users.create(body);
  }

  @ApiOkResponse({ type: ScimUserResource })
  @Get(':id')
  @Header('content-type', SCIM_CONTENT_TYPE)
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(id);
  }

  @AuditedInService('user.updated', 'user.deactivated', 'user.restored')
  @ApiBody({ type: ScimUserBody })
  @ApiOkResponse({ type: ScimUserResource })
  @Put(':id')
  @Header('content-type', SCIM_CONTENT_TYPE)
  replace(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() body: Record<string, unknown>) {
    return this.users.replace(actor, id, body);
  }

  @AuditedInService('user.updated', 'user.deactivated', 'user.restored')
  @ApiBody({ type: ScimPatchBody })
  @ApiOkResponse({ type: ScimUserResource })
  @Patch(':id')
  @Header('content-type', SCIM_CONTENT_TYPE)
  patch(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() body: Record<string, unknown>) {
    return this.users.patch(actor, id, body);
  }

  @AuditedInService('user.removed')
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.remove(actor, id);
  }
}
