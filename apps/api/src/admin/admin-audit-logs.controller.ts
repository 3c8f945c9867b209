import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { SystemAdminOnly } from '@tenantry/auth';
import { auditLogs, DatabaseHandle } from '@tenantry/db';
import { SYSTEM_DATABASE } from '@tenantry/system-db';
import { auditLogConditions, auditLogOrder, auditPosition, presentAuditLog } from '../audit-logs/audit-log-filter';
import { AuditLogPage } from '../audit-logs/dto/audit-log.dto';
import { AuditLogQuery } from '../audit-logs/dto/audit-log-query.dto';
import { toPage } from '../pagination/cursor';
import { AdminRepository } from './admin.repository';

/** Any tenant's audit log, for system admins (system pool; the tenant is an explicit filter). */
@SystemAdminOnly()
@Controller('v1/admin/tenants/:id/audit-logs')
export class AdminAuditLogsController {
  constructor(
    @Inject(SYSTEM_DATABASE) private readonly database: DatabaseHandle,
    private readonly repository: AdminRepository,
  ) {}

  @Get()
  async list(@Param('id', ParseUUIDPipe) tenantId: string, @Query() query: AuditLogQuery): Promise<AuditLogPage> {
    // Like every admin route with a tenant id: an unknown or purged tenant is 404, not an empty page.
    if (!(await this.repository.findTenant(tenantId))) throw new NotFoundException('Tenant not found');
    const rows = await this.database.db
      .select()
      .from(auditLogs)
      .where(auditLogConditions(tenantId, query))
      .orderBy(...auditLogOrder)
      .limit(query.limit + 1);
    return toPage(rows.map(auditPosition), query.limit, presentAuditLog);
  }
}
