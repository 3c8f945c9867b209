/** The audit log: @Audit/@NoAudit, the interceptor, the writer and the secret redaction. */
export * from './audit.decorator';
export * from './audit.interceptor';
export * from './audit.module';
export * from './audit-trail';
export * from './audit-writer';
export * from './redact';
