-- The foreign key back (0027 dropped it): it is also what keeps a tenant's purge complete against a
-- transaction still writing an event (the key's row lock holds the tenant row's delete until that
-- transaction ends, and the delete then fails and the purge job runs again). Rows a purge may have
-- missed while it was gone go first.
DELETE FROM "events" e WHERE NOT EXISTS (SELECT 1 FROM "tenants" t WHERE t."id" = e."tenant_id");
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;
