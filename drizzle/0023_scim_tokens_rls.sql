-- SCIM tokens are a tenant table like any other (see 0002 for the policy).
ALTER TABLE scim_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE scim_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON scim_tokens
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON scim_tokens TO tenantry_app;
--> statement-breakpoint
-- A SCIM request names no tenant: like api_key_authenticate (0004), this answers which tenant and
-- token an unrevoked token hash belongs to, and nothing else. last_used_at moves at most once a minute.
CREATE OR REPLACE FUNCTION scim_token_authenticate(p_hash text)
RETURNS TABLE (token_tenant_id uuid, token_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
  RETURN QUERY
    UPDATE scim_tokens k SET last_used_at = now()
    WHERE k.token_hash = p_hash AND k.revoked_at IS NULL
      AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
    RETURNING k.tenant_id, k.id;
  IF NOT FOUND THEN
    RETURN QUERY
      SELECT k.tenant_id, k.id FROM scim_tokens k WHERE k.token_hash = p_hash AND k.revoked_at IS NULL;
  END IF;
END $$;
--> statement-breakpoint
ALTER FUNCTION scim_token_authenticate(text) OWNER TO tenantry_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION scim_token_authenticate(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION scim_token_authenticate(text) TO tenantry_app;
