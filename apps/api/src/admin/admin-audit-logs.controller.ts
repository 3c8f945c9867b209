import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { SystemAdminOnly } from '@tenantry/auth';
import { SystemTransaction } from '@tenantry/system-db';
import { TenantRequests } from '@tenantry/tenancy';
import { auditPosition } from '../audit-logs/audit-log-filter';
import { AuditLogPage, toAuditLogResponse } from '../audit-logs/dto/audit-log.dto';
import { AuditLogQuery } from '../audit-logs/dto/audit-log-query.dto';
import { toPage } from '../pagination/cursor';
import { AdminAuditLogsRepository } from './admin-audit-logs.repository';
import { AdminRepository } from './admin.repository';

/** Any tenant's audit log, for system admins (system pool; the tenant is an explicit filter). */
@SystemAdminOnly()
@TenantRequests()
@Controller('v1/admin/tenants/:id/audit-logs')
export class AdminAuditLogsController {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminAuditLogsRepository,
    private readonly tenants: AdminRepository,
  ) {}

  @Get()
  async list(@Param('id', ParseUUIDPipe) tenantId: string, @Query() query: AuditLogQuery): Promise<AuditLogPage> {
    const rows = await this.system.run(async () => {
      // Like every admin route with a tenant id: an unknown or purged tenant is 404, not an empty page.
      if (!(await this.tenants.findTenant(tenantId))) throw new NotFoundException('Tenant not found');
      return this.repository.list(tenantId, query);
    });
    return toPage(rows.map(auditPosition), query.limit, toAuditLogResponse);
  }
}
