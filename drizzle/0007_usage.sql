CREATE TABLE "usage_batches" (
	"tenant_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"applied_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_batches_tenant_id_batch_id_pk" PRIMARY KEY("tenant_id","batch_id")
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"tenant_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"granularity" text NOT NULL,
	"bucket_start" timestamp (3) with time zone NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "usage_rollups_tenant_id_metric_granularity_bucket_start_pk" PRIMARY KEY("tenant_id","metric","granularity","bucket_start"),
	CONSTRAINT "usage_rollups_granularity_valid" CHECK ("usage_rollups"."granularity" in ('hour', 'day', 'month'))
);
--> statement-breakpoint
ALTER TABLE "usage_batches" ADD CONSTRAINT "usage_batches_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_batches_applied_at_idx" ON "usage_batches" USING btree ("applied_at");--> statement-breakpoint
CREATE INDEX "usage_rollups_granularity_bucket_idx" ON "usage_rollups" USING btree ("granularity","bucket_start");