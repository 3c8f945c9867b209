import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse } from '@nestjs/swagger';
import { Audit, AuditTrail } from '@tenantry/audit';
import { Roles } from '@tenantry/auth';
import { TenantSecrets } from '@tenantry/secrets';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { PutSecretDto, SecretNameParam, SecretPage } from './dto/tenant-secret.dto';

/** The tenant's own secrets (API keys of systems it connects): written and deleted, listed by name, never read back. */
@Roles('admin')
@TenantRequests()
@Controller('v1/tenant/secrets')
export class TenantSecretsController {
  constructor(
    private readonly secrets: TenantSecrets,
    private readonly trail: AuditTrail,
  ) {}

  @Get()
  async list(@Query() query: PageQuery): Promise<SecretPage> {
    const page = await this.secrets.list(query.limit, query.cursor);
    return { data: page.data.map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt })), nextCursor: page.nextCursor };
  }

  @Audit('secret.stored')
  @ApiNoContentResponse({ description: 'Stored (created or replaced)' })
  @Put(':name')
  @HttpCode(204)
  async put(@Param() params: SecretNameParam, @Body() body: PutSecretDto): Promise<void> {
    const stored = await this.secrets.put(params.name, body.value);
    // The audit row names the secret and whether it is new, never the value.
    this.trail.recordBefore({ id: stored.id, name: stored.name, created: stored.created });
  }

  @Audit('secret.deleted')
  @Delete(':name')
  @HttpCode(204)
  async remove(@Param() params: SecretNameParam): Promise<void> {
    const deleted = await this.secrets.delete(params.name);
    if (!deleted) throw new NotFoundException('Secret not found');
    this.trail.recordBefore({ id: deleted.id, name: deleted.name, createdAt: deleted.createdAt, updatedAt: deleted.updatedAt });
  }
}
