CREATE TABLE "user_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "user_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "admin_mfa" (
	"admin_id" uuid PRIMARY KEY NOT NULL,
	"secret_ciphertext" text,
	"secret_key_version" text,
	"pending_ciphertext" text,
	"pending_key_version" text,
	"enabled_at" timestamp (3) with time zone,
	"pending_since" timestamp (3) with time zone,
	"last_time_step" bigint,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admin_mfa_recovery_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"admin_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admin_mfa_recovery_codes_admin_hash_unique" UNIQUE("admin_id","code_hash")
);
--> statement-breakpoint
CREATE TABLE "mfa_recovery_codes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mfa_recovery_codes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "mfa_recovery_codes_tenant_user_hash_unique" UNIQUE("tenant_id","user_id","code_hash")
);
--> statement-breakpoint
CREATE TABLE "user_mfa" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"enabled_at" timestamp (3) with time zone,
	"pending_since" timestamp (3) with time zone,
	"last_time_step" bigint,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_mfa_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "user_mfa_tenant_user_unique" UNIQUE("tenant_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_mfa" ADD CONSTRAINT "admin_mfa_admin_id_system_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."system_admins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_mfa_recovery_codes" ADD CONSTRAINT "admin_mfa_recovery_codes_admin_id_system_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."system_admins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_mfa" ADD CONSTRAINT "user_mfa_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_sessions_tenant_user_idx" ON "user_sessions" USING btree ("tenant_id","user_id","last_used_at");--> statement-breakpoint
-- Every refresh-token family that exists becomes a session before the tokens must reference one.
INSERT INTO "user_sessions" ("tenant_id", "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at")
SELECT "tenant_id", "family_id", (array_agg("user_id"))[1], min("created_at"), max("created_at"), max("expires_at"),
  CASE WHEN bool_and("revoked_at" IS NOT NULL) THEN max("revoked_at") END
FROM "refresh_tokens" GROUP BY "tenant_id", "family_id";--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_fk" FOREIGN KEY ("tenant_id","family_id") REFERENCES "public"."user_sessions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;