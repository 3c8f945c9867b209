import { Injectable } from '@nestjs/common';
import { auditLogs } from '@tenantry/db';
import { SystemTransaction } from '@tenantry/system-db';
import { auditLogConditions, auditLogOrder } from '../audit-logs/audit-log-filter';
import { AuditLogQuery } from '../audit-logs/dto/audit-log-query.dto';

/** Any tenant's audit log (system pool, in the caller's SystemTransaction: the tenant is an explicit filter). */
@Injectable()
export class AdminAuditLogsRepository {
  constructor(private readonly system: SystemTransaction) {}

  list(tenantId: string, query: AuditLogQuery) {
    return this.system.tx
      .select()
      .from(auditLogs)
      .where(auditLogConditions(tenantId, query))
      .orderBy(...auditLogOrder)
      .limit(query.limit + 1);
  }
}
