import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse } from '@nestjs/swagger';
import { Audit, AuditedInService } from '@tenantry/audit';
import { Roles } from '@tenantry/auth';
import { TenantRequests, TenantTransactionsInService } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { DomainsService } from './domains.service';
import { CreateDomainDto, DomainPage, DomainResponse } from './dto/domain.dto';

/** Mail domains the tenant proves it controls (DNS TXT): what SSO discovery and account linking trust. */
@Roles('admin')
@TenantRequests()
@Controller('v1/tenant/domains')
export class DomainsController {
  constructor(private readonly domains: DomainsService) {}

  @Audit('domain.added')
  @Post()
  create(@Body() body: CreateDomainDto): Promise<DomainResponse> {
    return this.domains.create(body.domain);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<DomainPage> {
    return this.domains.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DomainResponse> {
    return this.domains.get(id);
  }

  @AuditedInService('domain.checked')
  @TenantTransactionsInService('the DNS lookup runs between two short transactions')
  @ApiOkResponse({ type: DomainResponse, description: 'The domain after the check: `verified` or `failed` with the reason' })
  @ApiConflictResponse({ description: 'Another tenant has verified this domain' })
  @Post(':id/verify')
  @HttpCode(200)
  verify(@Param('id', ParseUUIDPipe) id: string): Promise<DomainResponse> {
    return this.domains.verify(id);
  }

  @Audit('domain.removed')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.domains.remove(id);
  }
}
