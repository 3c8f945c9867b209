import { and, desc, eq, gte, lt, SQL } from 'drizzle-orm';
import { AuditLog, auditLogs } from '@tenantry/db';
import { afterPosition, decodeCursor, PageQuery } from '../pagination/cursor';
import { AuditLogQuery } from './dto/audit-log-query.dto';

/** The WHERE of an audit-log query: every filter is a prefix-friendly index condition. */
export function auditLogConditions(tenantId: string, query: AuditLogQuery): SQL | undefined {
  const after = decodeCursor(query.cursor);
  return and(
    eq(auditLogs.tenantId, tenantId),
    query.action ? eq(auditLogs.action, query.action) : undefined,
    query.actorId ? eq(auditLogs.actorId, query.actorId) : undefined,
    query.resourceType ? eq(auditLogs.resourceType, query.resourceType) : undefined,
    query.resourceId ? eq(auditLogs.resourceId, query.resourceId) : undefined,
    query.from ? gte(auditLogs.at, query.from) : undefined,
    query.to ? lt(auditLogs.at, query.to) : undefined,
    afterPosition(auditLogs.at, auditLogs.id, after),
  );
}

export const auditLogOrder = [desc(auditLogs.at), desc(auditLogs.id)];


/** The keyset position of an audit row is (at, id). */
export const auditPosition = (row: AuditLog) => ({ ...row, createdAt: row.at });
export type { PageQuery };
