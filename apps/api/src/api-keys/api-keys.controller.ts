import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, RefuseImpersonation, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPage, CreateApiKeyDto, CreatedApiKeyResponse } from './dto/api-key.dto';

@Roles('admin')
@TenantRequests()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@Query() query: PageQuery): Promise<ApiKeyPage> {
    return this.apiKeys.list(query);
  }

  @Audit('api_key.created')
  @RefuseImpersonation('an API key outlives the impersonation')
  @Post()
  @Header('Cache-Control', 'no-store')
  create(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.create(actor, body);
  }

  @Audit('api_key.revoked')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
