-- Row-level security for every tenant table: ENABLE applies policies to ordinary roles, FORCE
-- applies them to the table owner too. One policy for all commands, fail-closed: with no tenant
-- in the transaction, current_setting(..., true) is NULL before any set_config and '' after a
-- transaction-local one ended, so nullif(..., '') turns both into NULL and `= NULL` matches no
-- row. The expression is stable, so the planner uses it as an index condition on (tenant_id, id).

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON users
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON projects
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tasks
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
-- The tenants table: a tenant's transaction sees its own row and nothing else.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants
  USING (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON users, projects, tasks TO tenantry_app;
--> statement-breakpoint
-- A tenant may read its own row and edit its settings, never its plan, status or overrides.
GRANT SELECT ON tenants TO tenantry_app;
--> statement-breakpoint
GRANT UPDATE (settings, updated_at) ON tenants TO tenantry_app;
--> statement-breakpoint
GRANT SELECT ON plans TO tenantry_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tenantry_system;
--> statement-breakpoint
-- Login knows a slug before it knows a tenant. This function answers that one question with the
-- system role's rights and nothing more, so the app role never needs to see other tenants' rows.
CREATE OR REPLACE FUNCTION tenant_by_slug(p_slug text)
RETURNS TABLE (id uuid, status text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT t.id, t.status FROM tenants t WHERE t.slug = p_slug $$;
--> statement-breakpoint
ALTER FUNCTION tenant_by_slug(text) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tenant_by_slug(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tenant_by_slug(text) TO tenantry_app;
--> statement-breakpoint
-- The plan catalogue every new deployment starts with; admins edit it through /v1/admin/plans.
INSERT INTO plans (key, name, features, limits) VALUES
  ('free', 'Free', '[]',
   '{"seats": 3, "projects": 3, "api_calls_per_month": 10000, "requests_per_minute": 60, "requests_burst": 20, "audit_retention_days": 7}'),
  ('pro', 'Pro', '["csv_export"]',
   '{"seats": 25, "projects": 100, "api_calls_per_month": 1000000, "requests_per_minute": 600, "requests_burst": 100, "audit_retention_days": 90}'),
  ('enterprise', 'Enterprise', '["csv_export", "sso", "audit_export"]',
   '{"seats": 1000, "projects": 10000, "api_calls_per_month": 100000000, "requests_per_minute": 6000, "requests_burst": 1000, "audit_retention_days": 365}')
ON CONFLICT (key) DO NOTHING;
