-- Roles are cluster-wide: created once, left as they are when present (a DBA may create them
-- beforehand with passwords). Creating a BYPASSRLS role needs a superuser on PostgreSQL 15.
--
--   tenantry_app     the API and worker: NOSUPERUSER NOBYPASSRLS, owns nothing, so every
--                    policy applies to it.
--   tenantry_system  the admin module and cross-tenant sweeps only: BYPASSRLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_app') THEN
    CREATE ROLE tenantry_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created by a concurrent migration of another database
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_system') THEN
    CREATE ROLE tenantry_system LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;
--> statement-breakpoint
-- A stuck request must not hold a pooled connection (and its locks) forever.
DO $$
BEGIN
  EXECUTE format('ALTER ROLE tenantry_app IN DATABASE %I SET statement_timeout = %L', current_database(), '10s');
  EXECUTE format('ALTER ROLE tenantry_app IN DATABASE %I SET idle_in_transaction_session_timeout = %L', current_database(), '15s');
  EXECUTE format('ALTER ROLE tenantry_app IN DATABASE %I SET lock_timeout = %L', current_database(), '5s');
  EXECUTE format('ALTER ROLE tenantry_system IN DATABASE %I SET statement_timeout = %L', current_database(), '5min');
  EXECUTE format('ALTER ROLE tenantry_system IN DATABASE %I SET idle_in_transaction_session_timeout = %L', current_database(), '60s');
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'could not set timeouts on tenantry_app/tenantry_system: ask a superuser to run 0000_roles.sql';
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tenantry_app, tenantry_system;
--> statement-breakpoint
-- The system role reads and writes every table the owner creates from now on. The app role gets
-- explicit grants per table in the migration that adds the table's policy.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tenantry_system;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tenantry_system, tenantry_app;
