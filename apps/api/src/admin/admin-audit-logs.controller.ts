import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { SystemAdminOnly } from '@tenantry/auth';
import { SystemTransaction } from '@tenantry/system-db';
import { auditPosition } from '../audit-logs/audit-log-filter';
import { AuditLogPage, toAuditLogResponse } from '../audit-logs/dto/audit-log.dto';
import { AuditLogQuery } from '../audit-logs/dto/audit-log-query.dto';
import { toPage } from '../pagination/cursor';
import { AdminAuditLogsRepository } from './admin-audit-logs.repository';

/** Any tenant's audit log, for system admins (system pool; the tenant is an explicit filter). */
@SystemAdminOnly()
@Controller('v1/admin/tenants/:id/audit-logs')
export class AdminAuditLogsController {
  constructor(
    private readonly system: SystemTransaction,
    private readonly repository: AdminAuditLogsRepository,
  ) {}

  @Get()
  async list(@Param('id', ParseUUIDPipe) tenantId: string, @Query() query: AuditLogQuery): Promise<AuditLogPage> {
    const rows = await this.system.run(() => this.repository.list(tenantId, query));
    return toPage(rows.map(auditPosition), query.limit, toAuditLogResponse);
  }
}
