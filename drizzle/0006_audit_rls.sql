-- The audit log is a tenant table like any other (see 0002), and append-only for the app role:
-- INSERT and SELECT only, so UPDATE, DELETE and TRUNCATE are refused by PostgreSQL itself.
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audit_logs
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_logs TO tenantry_app;
--> statement-breakpoint
REVOKE UPDATE, TRUNCATE ON audit_logs FROM tenantry_system;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON system_audit_logs FROM tenantry_system;
