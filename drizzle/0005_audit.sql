CREATE TABLE "audit_logs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"impersonator_id" uuid,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"request_id" text,
	"ip" text,
	"user_agent" text,
	"changes" jsonb,
	CONSTRAINT "audit_logs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "audit_logs_actor_type_valid" CHECK ("audit_logs"."actor_type" in ('user', 'api_key', 'system_admin', 'system'))
);
--> statement-breakpoint
CREATE TABLE "system_audit_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_tenant_id" uuid,
	"details" jsonb
);
--> statement-breakpoint
CREATE INDEX "audit_logs_tenant_at_idx" ON "audit_logs" USING btree ("tenant_id","at","id");--> statement-breakpoint
CREATE INDEX "audit_logs_tenant_action_at_idx" ON "audit_logs" USING btree ("tenant_id","action","at");--> statement-breakpoint
CREATE INDEX "audit_logs_tenant_actor_at_idx" ON "audit_logs" USING btree ("tenant_id","actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_logs_tenant_resource_at_idx" ON "audit_logs" USING btree ("tenant_id","resource_type","resource_id","at");--> statement-breakpoint
CREATE INDEX "system_audit_logs_at_idx" ON "system_audit_logs" USING btree ("at");--> statement-breakpoint
CREATE INDEX "system_audit_logs_tenant_idx" ON "system_audit_logs" USING btree ("target_tenant_id","at");