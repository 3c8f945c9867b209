import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, RefuseImpersonation, Roles } from '@tenantry/auth';
import { RequireFeature } from '@tenantry/plans';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreatedScimTokenResponse, CreateScimTokenDto, ScimTokenPage } from './dto/scim-token.dto';
import { ScimTokensService } from './scim-tokens.service';

/** Bearer tokens for the tenant's directory (SCIM 2.0 at /scim/v2), plan feature `sso`. */
@Roles('admin')
@RequireFeature('sso')
@TenantRequests()
@Controller('v1/tenant/scim/tokens')
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  @Audit('scim.token_created', 'scim_token')
  @RefuseImpersonation('a SCIM token outlives the impersonation')
  @ApiCreatedResponse({ type: CreatedScimTokenResponse })
  @Post()
  @Header('Cache-Control', 'no-store')
  create(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: CreateScimTokenDto): Promise<CreatedScimTokenResponse> {
    return this.tokens.create(actor, body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<ScimTokenPage> {
    return this.tokens.list(query);
  }

  @Audit('scim.token_revoked', 'scim_token')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.tokens.revoke(id);
  }
}
