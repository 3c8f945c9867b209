-- SSO connections and identities are tenant tables like any other (see 0002 for the policy).
ALTER TABLE sso_connections ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sso_connections FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sso_connections
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE sso_identities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sso_identities FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sso_identities
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_connections TO tenantry_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_identities TO tenantry_app;
--> statement-breakpoint
-- A sign-in starts from a connection id, before any tenant is known: this answers which tenant
-- an enabled connection of an active tenant belongs to, and nothing else.
CREATE OR REPLACE FUNCTION sso_connection_tenant(p_connection_id uuid)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT c.tenant_id FROM sso_connections c JOIN tenants t ON t.id = c.tenant_id
  WHERE c.id = p_connection_id AND c.is_enabled AND t.status = 'active'
$$;
--> statement-breakpoint
ALTER FUNCTION sso_connection_tenant(uuid) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION sso_connection_tenant(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION sso_connection_tenant(uuid) TO tenantry_app;
--> statement-breakpoint
-- Home-realm discovery: the tenant (slug) and an enabled connection for a verified mail domain,
-- nothing for an unverified one.
CREATE OR REPLACE FUNCTION sso_discover(p_domain text)
RETURNS TABLE (tenant_slug text, connection_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT t.slug, c.id FROM tenant_domains d
  JOIN tenants t ON t.id = d.tenant_id
  JOIN sso_connections c ON c.tenant_id = d.tenant_id
  WHERE d.domain = p_domain AND d.status = 'verified' AND t.status = 'active' AND c.is_enabled
    AND (jsonb_array_length(c.allowed_domains) = 0 OR c.allowed_domains ? p_domain)
  ORDER BY c.created_at, c.id
  LIMIT 1
$$;
--> statement-breakpoint
ALTER FUNCTION sso_discover(text) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION sso_discover(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION sso_discover(text) TO tenantry_app;
