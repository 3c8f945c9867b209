import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CLS_REQ, ClsService } from 'nestjs-cls';
import { ActorType, AuditChanges, fixedStatement, systemAuditLogs, Transaction } from '@tenantry/db';
import { EventLog, EventNotifier, EVENTS_PER_INSERT, insertEventsSql } from '@tenantry/events';
import { SystemTransaction } from '@tenantry/system-db';
import { Principal, TenantTransaction } from '@tenantry/tenancy';
import { redactSecrets } from './redact';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  changes?: AuditChanges | null;
  /** Defaults to the request's principal. */
  actor?: { type: ActorType; id: string | null; impersonatorId?: string | null };
}

/**
 * The audit row ($1..$11), and in the same statement an `audit.created` event with it when the
 * tenant opted in (one of its enabled webhook endpoints subscribes to `audit.created`: streaming
 * the audit log to a SIEM); before them `eventCount` events of the change (from $12 on, see
 * EventLog.takePending). One statement shape per count, made once.
 */
const auditStatementSql = (eventCount: number): string => `
  with ${eventCount > 0 ? `change_events as (${insertEventsSql(eventCount, 12)}),` : ''}
  audit as (
    insert into audit_logs (tenant_id, actor_type, actor_id, impersonator_id, action, resource_type, resource_id, request_id, ip, user_agent, changes)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
    returning *
  )
  insert into events (tenant_id, type, data)
  select a.tenant_id, 'audit.created', jsonb_build_object('object', jsonb_build_object(
    'id', a.id, 'at', to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'actorType', a.actor_type, 'actorId', a.actor_id,
    'impersonatorId', a.impersonator_id, 'action', a.action, 'resourceType', a.resource_type, 'resourceId', a.resource_id,
    'requestId', a.request_id, 'ip', a.ip, 'userAgent', a.user_agent, 'changes', a.changes))
  from audit a
  where exists (select 1 from webhook_endpoints w where w.tenant_id = a.tenant_id and w.enabled and 'audit.created' = any(w.events))
  returning 1`;
const auditStatements = Array.from({ length: EVENTS_PER_INSERT + 1 }, (_, eventCount) => fixedStatement(auditStatementSql(eventCount)));

interface RequestMeta {
  requestId?: string;
  ip?: string;
  userAgent?: string;
  principal?: Principal;
}

/**
 * Writes audit rows in the transaction that makes the change: for tenant requests the active
 * tenant transaction (app role, INSERT only), for the admin module and the worker's sweeps the
 * active system transaction. Neither takes a handle, so neither can write beside the change.
 * Request id, IP, user agent and actor come from the request context.
 */
@Injectable()
export class AuditWriter {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly systemTransaction: SystemTransaction,
    private readonly cls: ClsService,
    private readonly notifier: EventNotifier,
    private readonly events: EventLog,
  ) {}

  /** Into the current tenant's log, in the current tenant transaction, with the change's events recorded so far. */
  async write(entry: AuditEntry): Promise<void> {
    const tx = this.tenantTransaction.tx;
    if (await this.insert(tx, this.tenantTransaction.tenantId, entry, this.events.takePending())) {
      this.tenantTransaction.afterCommit(() => this.notifier.committed());
    }
  }

  /** Into a tenant's log, in the active system (admin or worker) transaction. */
  async writeFor(tenantId: string, entry: AuditEntry): Promise<void> {
    if (await this.insert(this.systemTransaction.tx, tenantId, entry)) {
      this.systemTransaction.afterCommit(() => this.notifier.committed());
    }
  }

  /**
   * Into the system log (operator actions that are not a tenant's, and records that outlive
   * tenants), in the active system transaction.
   */
  async writeSystem(entry: { action: string; targetTenantId?: string | null; details?: Record<string, unknown> }): Promise<void> {
    const actor = this.actorFromRequest();
    await this.systemTransaction.tx.insert(systemAuditLogs).values({
      actorType: actor.type,
      actorId: actor.id,
      action: entry.action,
      targetTenantId: entry.targetTenantId ?? null,
      details: (redactSecrets(entry.details ?? {}) as Record<string, unknown>) ?? null,
    });
  }

  /** The audit row with `events` (see auditStatementSql); true when its `audit.created` event was written. */
  private async insert(tx: Transaction, tenantId: string, entry: AuditEntry, events: string[] = []): Promise<boolean> {
    const meta = this.meta();
    const actor = entry.actor ?? this.actorFromRequest();
    const changes = entry.changes ? (redactSecrets(entry.changes) as AuditChanges) : null;
    const values = [
      tenantId,
      actor.type,
      actor.id,
      actor.impersonatorId ?? null,
      entry.action,
      entry.resourceType,
      entry.resourceId ?? null,
      meta.requestId ?? null,
      meta.ip ?? null,
      meta.userAgent?.slice(0, 500) ?? null,
      changes === null ? null : JSON.stringify(changes),
      ...events,
    ];
    const rows = (await auditStatements[events.length / 4]!(tx, values)) as unknown[];
    return rows.length > 0;
  }

  /** From the request nestjs-cls keeps for the current context (none in worker jobs). */
  private meta(): RequestMeta {
    if (!this.cls.isActive()) return {};
    const request = this.cls.get<Request & { user?: Principal } | undefined>(CLS_REQ);
    if (!request) return {};
    const userAgent = request.headers['user-agent'];
    return { requestId: this.cls.getId(), ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined, principal: request.user };
  }

  private actorFromRequest(): { type: ActorType; id: string | null; impersonatorId?: string | null } {
    const principal = this.meta().principal;
    if (!principal) return { type: 'system', id: null };
    if (principal.kind === 'system_admin') return { type: 'system_admin', id: principal.adminId };
    return { type: principal.actorType, id: principal.subjectId, impersonatorId: principal.impersonatorId ?? null };
  }
}
