-- Usage rollups and the ledger of applied batches are tenant tables like any other (see 0002).
-- The worker writes them as the app role, one tenant per statement, so RLS holds for metering too.
ALTER TABLE usage_rollups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_rollups FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON usage_rollups
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE usage_batches ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_batches FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON usage_batches
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
-- Sums are upserted (INSERT ... ON CONFLICT DO UPDATE); nothing of usage is ever deleted by the app.
GRANT SELECT, INSERT, UPDATE ON usage_rollups TO tenantry_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON usage_batches TO tenantry_app;
--> statement-breakpoint
-- Over the monthly API-call quota, a tenant with this feature is warned, not refused.
UPDATE plans SET features = features || '["api_calls_overage"]'::jsonb
  WHERE key = 'enterprise' AND NOT features ? 'api_calls_overage';
