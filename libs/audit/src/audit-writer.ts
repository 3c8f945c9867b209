import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CLS_REQ, ClsService } from 'nestjs-cls';
import { ActorType, AuditChanges, auditLogs, systemAuditLogs, Transaction } from '@tenantry/db';
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
  ) {}

  /** Into the current tenant's log, in the current tenant transaction. */
  async write(entry: AuditEntry): Promise<void> {
    await this.insert(this.tenantTransaction.tx, this.tenantTransaction.tenantId, entry);
  }

  /** Into a tenant's log, in the active system (admin or worker) transaction. */
  async writeFor(tenantId: string, entry: AuditEntry): Promise<void> {
    await this.insert(this.systemTransaction.tx, tenantId, entry);
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

  private async insert(tx: Transaction, tenantId: string, entry: AuditEntry): Promise<void> {
    const meta = this.meta();
    const actor = entry.actor ?? this.actorFromRequest();
    await tx.insert(auditLogs).values({
      tenantId,
      actorType: actor.type,
      actorId: actor.id,
      impersonatorId: actor.impersonatorId ?? null,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      requestId: meta.requestId ?? null,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
      changes: entry.changes ? (redactSecrets(entry.changes) as AuditChanges) : null,
    });
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
