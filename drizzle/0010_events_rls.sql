-- The event log is a tenant table like any other (see 0002), and append-only for the app role:
-- it writes an event with the change and reads the log; only the worker's dispatcher (marking rows
-- dispatched) and retention (deleting old rows) change it, as the system role.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON events
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT ON events TO tenantry_app;
--> statement-breakpoint
-- How long a tenant's events are kept, and how many webhook endpoints it may have.
UPDATE plans SET limits = limits || '{"event_retention_days": 7, "webhook_endpoints": 2}'::jsonb WHERE key = 'free';
--> statement-breakpoint
UPDATE plans SET limits = limits || '{"event_retention_days": 30, "webhook_endpoints": 10}'::jsonb WHERE key = 'pro';
--> statement-breakpoint
UPDATE plans SET limits = limits || '{"event_retention_days": 90, "webhook_endpoints": 50}'::jsonb WHERE key = 'enterprise';
