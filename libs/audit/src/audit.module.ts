import { Global, Module } from '@nestjs/common';
import { AuditInterceptor } from './audit.interceptor';
import { AuditTrail } from './audit-trail';
import { AuditWriter } from './audit-writer';

@Global()
@Module({ providers: [AuditWriter, AuditTrail, AuditInterceptor], exports: [AuditWriter, AuditTrail, AuditInterceptor] })
export class AuditModule {}
