import type { ActorType, AuditLog } from '@tenantry/db';

/** One audit record: who did what to which resource, from where, and what changed. */
export class AuditLogResponse {
  /** @example "7c6b5a49-3827-4160-9f8e-7d6c5b4a3928" */
  id: string;

  at: Date;

  /** @example "user" */
  actorType: ActorType;

  /** The user, API key or system admin; null for the system itself. @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  actorId: string | null;

  /** The system admin behind an impersonation token. @example null */
  impersonatorId: string | null;

  /** @example "project.updated" */
  action: string;

  /** @example "project" */
  resourceType: string;

  /** @example "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11" */
  resourceId: string | null;

  /** The `X-Request-Id` of the request that made the change. @example "3f2e1d0c-b9a8-4765-8432-10fedcba9876" */
  requestId: string | null;

  /** @example "203.0.113.7" */
  ip: string | null;

  /** @example "Mozilla/5.0" */
  userAgent: string | null;

  /**
   * Before/after values of the fields the change touched, or the action's details; fields named
   * like passwords, hashes, tokens, secrets and `key` are never recorded.
   * @example {"before": {"name": "Website"}, "after": {"name": "Website relaunch"}}
   */
  changes: Record<string, unknown> | null;
}

/** One page of audit records, newest first; pass `nextCursor` as `cursor` for the next. */
export class AuditLogPage {
  data: AuditLogResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDdjNmI1" */
  nextCursor: string | null;
}

/** The answer for one auditLog row: what the API shows of it. */
export function toAuditLogResponse(row: AuditLog): AuditLogResponse {
  return {
    id: row.id,
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    impersonatorId: row.impersonatorId,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    requestId: row.requestId,
    ip: row.ip,
    userAgent: row.userAgent,
    changes: row.changes,
  };
}
