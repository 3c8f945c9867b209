import { Module } from '@nestjs/common';
import { AuditLogsController } from './audit-logs.controller';
import { AuditLogsRepository } from './audit-logs.repository';

/** A tenant's own audit log, for its admins. */
@Module({ controllers: [AuditLogsController], providers: [AuditLogsRepository] })
export class AuditLogsModule {}
