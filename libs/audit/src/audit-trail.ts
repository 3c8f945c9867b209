import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

const TRAIL = 'tenantry.auditTrail';

export interface AuditTrailState {
  before?: Record<string, unknown>;
  resourceId?: string;
}

/**
 * What a service knows and the interceptor does not: the state of a resource before the change.
 * Services call `recordBefore(row)`; the interceptor reads it when it writes the row.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly cls: ClsService) {}

  recordBefore<T extends { id?: string }>(row: T): void {
    if (!this.cls.isActive()) return;
    this.cls.set<AuditTrailState>(TRAIL, { before: { ...row }, resourceId: row.id });
  }

  take(): AuditTrailState {
    if (!this.cls.isActive()) return {};
    const state = this.cls.get<AuditTrailState>(TRAIL) ?? {};
    this.cls.set(TRAIL, undefined);
    return state;
  }
}
