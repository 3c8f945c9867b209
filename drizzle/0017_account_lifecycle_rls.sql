-- The mail outbox, invitations and account tokens are tenant tables like any other (see 0002).
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON mail_outbox
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invitations
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE account_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE account_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON account_tokens
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON mail_outbox TO tenantry_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO tenantry_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON account_tokens TO tenantry_app;
--> statement-breakpoint
-- system_mail_outbox and admin_password_resets get the system role's default privileges (0000)
-- and nothing for the app role.
--
-- Self-service signup creates a tenant before any system admin is involved. The app role may
-- create exactly one tenant row: the one its own transaction is scoped to (its id is the
-- transaction's app.current_tenant_id), so the user, token and mail rows that follow in the same
-- transaction pass the policies, and everything commits or rolls back together.
CREATE OR REPLACE FUNCTION signup_create_tenant(p_slug text, p_name text, p_plan text)
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  INSERT INTO tenants (id, slug, name, plan)
  VALUES (nullif(current_setting('app.current_tenant_id', true), '')::uuid, p_slug, p_name, p_plan)
  RETURNING id
$$;
--> statement-breakpoint
ALTER FUNCTION signup_create_tenant(text, text, text) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION signup_create_tenant(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION signup_create_tenant(text, text, text) TO tenantry_app;
