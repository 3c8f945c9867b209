import { Injectable } from '@nestjs/common';
import { AuditLog, auditLogs } from '@tenantry/db';
import { TenantTransaction } from '@tenantry/tenancy';
import { AuditLogQuery } from './dto/audit-log-query.dto';
import { auditLogConditions, auditLogOrder } from './audit-log-filter';

@Injectable()
export class AuditLogsRepository {
  constructor(private readonly tenantTransaction: TenantTransaction) {}

  async list(query: AuditLogQuery): Promise<AuditLog[]> {
    const { tx, tenantId } = this.tenantTransaction;
    return tx
      .select()
      .from(auditLogs)
      .where(auditLogConditions(tenantId, query))
      .orderBy(...auditLogOrder)
      .limit(query.limit + 1);
  }
}
