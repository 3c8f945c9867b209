-- Row-level security for the identity tables (see 0002 for the policy's reasoning).
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON refresh_tokens
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_keys
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens TO tenantry_app;
--> statement-breakpoint
-- Keys are revoked (revoked_at), never deleted by the app: their history stays.
GRANT SELECT, INSERT, UPDATE ON api_keys TO tenantry_app;
--> statement-breakpoint
-- An API key names its tenant only through its row, so authentication needs one lookup across
-- tenants: this function does exactly that (by hash, live keys only) and nothing more. It also
-- records use, at most once a minute per key, so lastUsedAt costs no write on most requests.
CREATE OR REPLACE FUNCTION api_key_authenticate(p_hash text)
RETURNS TABLE (key_tenant_id uuid, key_id uuid, key_role text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
  RETURN QUERY
    UPDATE api_keys k SET last_used_at = now()
    WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
      AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
    RETURNING k.tenant_id, k.id, k.role;
  IF NOT FOUND THEN
    RETURN QUERY
      SELECT k.tenant_id, k.id, k.role FROM api_keys k
      WHERE k.key_hash = p_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now());
  END IF;
END $$;
--> statement-breakpoint
ALTER FUNCTION api_key_authenticate(text) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION api_key_authenticate(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION api_key_authenticate(text) TO tenantry_app;
