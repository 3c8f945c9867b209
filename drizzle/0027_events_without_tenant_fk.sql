ALTER TABLE "events" DROP CONSTRAINT "events_tenant_id_tenants_id_fk";
