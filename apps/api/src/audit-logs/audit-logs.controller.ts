import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@tenantry/auth';
import { TenantRequests } from '@tenantry/tenancy';
import { toPage } from '../pagination/cursor';
import { auditPosition } from './audit-log-filter';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditLogPage, toAuditLogResponse } from './dto/audit-log.dto';
import { AuditLogQuery } from './dto/audit-log-query.dto';

@Roles('admin')
@TenantRequests()
@Controller('v1/audit-logs')
export class AuditLogsController {
  constructor(private readonly repository: AuditLogsRepository) {}

  /** Newest first, filtered by action, actor, resource and time. */
  @Get()
  async list(@Query() query: AuditLogQuery): Promise<AuditLogPage> {
    const rows = (await this.repository.list(query)).map(auditPosition);
    return toPage(rows, query.limit, toAuditLogResponse);
  }
}
