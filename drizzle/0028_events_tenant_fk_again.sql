-- The foreign key back (0027 dropped it): it is also what keeps a tenant's purge complete against a
-- transaction still writing an event (the key's row lock holds the tenant row's delete until that
-- transaction ends; the delete then fails and the purge job runs again). Rows a purge may have
-- missed while it was gone go first. Both tables FORCE row-level security, which binds their owner
-- too (the migrating role where it is no superuser), so the cleanup lifts it for this transaction;
-- the lock keeps a purge from leaving a new orphan between the cleanup and the key.
LOCK TABLE "tenants", "events" IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
ALTER TABLE "tenants" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "events" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DELETE FROM "events" e WHERE NOT EXISTS (SELECT 1 FROM "tenants" t WHERE t."id" = e."tenant_id");
--> statement-breakpoint
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;
