-- Row-level security that bites (replaces the policies of 20261122090000_row_level_security).
-- (No apostrophes or semicolons in these comments: the migration engine splits scripts on them.)
--
-- Which rows a session sees is decided by its ROLE, never by a setting the session could set itself:
--   calsync_app     the application role (the API DATABASE_URL login is a member): only the rows of the
--                   organization the transaction declared with set_config(app.organization_id, <org>, true)
--                   (db/tenant-scope.ts), no rows without one.
--   calsync_system  the system role (the worker and the API SYSTEM_DATABASE_URL login is a member):
--                   every row, by a policy of its own. It works across organizations by connection id.
--   anyone else     no grants on these tables, and no policy lets them see a row.
-- Every table that carries an organization_id has the tenant policy, tables that hang from one (calendars
-- and push channels from their connection, changes and conflicts from their event) see through their
-- parent, itself filtered by its own policies. FORCE applies the policies to the tables owner too.
-- Superusers and BYPASSRLS roles are never subject to RLS: production refuses to run the API as one.
-- The setting app.scope of the replaced policies grants nothing any more.
--
-- The two group roles are cluster-wide: created here when missing (the migrating role needs CREATEROLE, as
-- the database owner of a fresh installation has, deploy/postgres-init.sh creates them beforehand).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'calsync_app') THEN
    CREATE ROLE calsync_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'calsync_system') THEN
    CREATE ROLE calsync_system NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO calsync_app, calsync_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO calsync_app, calsync_system;
-- The migration history is no business of the service (absent on the shadow database the diff replays on).
DO $$
BEGIN
  IF to_regclass('"_prisma_migrations"') IS NOT NULL THEN
    REVOKE ALL ON TABLE "_prisma_migrations" FROM calsync_app, calsync_system;
  END IF;
END
$$;
-- Tables later migrations create get the same grants (their policies must be added with them).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO calsync_app, calsync_system;

-- The old policies: system scope by a session setting, which any role could set.
DROP POLICY IF EXISTS "system_scope" ON "ce_calendar_connections";
DROP POLICY IF EXISTS "system_scope" ON "ce_calendar_events";
DROP POLICY IF EXISTS "system_scope" ON "ce_activities";
DROP POLICY IF EXISTS "tenant_isolation" ON "ce_calendar_connections";
DROP POLICY IF EXISTS "tenant_isolation" ON "ce_calendar_events";
DROP POLICY IF EXISTS "tenant_isolation" ON "ce_activities";
DROP POLICY IF EXISTS "via_connection" ON "ce_calendar_push_channels";


-- The organization itself.

ALTER TABLE "ce_organizations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_organizations" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_organizations" TO calsync_app
  USING ("id" = current_setting('app.organization_id', true))
  WITH CHECK ("id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_organizations" TO calsync_system USING (true) WITH CHECK (true);


-- Tables that carry an organization.

ALTER TABLE "ce_module_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_module_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_module_settings" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_module_settings" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "pf_credentials" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "pf_credentials" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "pf_credentials" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "pf_credentials" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_oauth_clients" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_oauth_clients" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_oauth_clients" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_oauth_clients" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_oauth_states" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_oauth_states" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_oauth_states" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_oauth_states" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_connections" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_connections" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_connections" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_calendar_connections" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_events" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_calendar_events" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_activities" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_activities" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_activities" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_activities" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "pf_notifications" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "pf_notifications" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "pf_notifications" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "pf_notifications" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_feeds" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_feeds" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_feeds" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_calendar_feeds" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_idempotency_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_idempotency_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_idempotency_keys" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_idempotency_keys" TO calsync_system USING (true) WITH CHECK (true);


-- Tables that hang from a connection or an event: visible exactly when their parent is.

ALTER TABLE "ce_calendar_connection_calendars" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_connection_calendars" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_connection_calendars" TO calsync_app
  USING (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"));
CREATE POLICY "system_role" ON "ce_calendar_connection_calendars" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_push_channels" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_push_channels" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_push_channels" TO calsync_app
  USING (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"));
CREATE POLICY "system_role" ON "ce_calendar_push_channels" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_event_changes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_event_changes" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_event_changes" TO calsync_app
  USING (EXISTS (SELECT 1 FROM "ce_calendar_events" e WHERE e."id" = "event_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_calendar_events" e WHERE e."id" = "event_id"));
CREATE POLICY "system_role" ON "ce_calendar_event_changes" TO calsync_system USING (true) WITH CHECK (true);


ALTER TABLE "ce_calendar_event_conflicts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_event_conflicts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_event_conflicts" TO calsync_app
  USING (EXISTS (SELECT 1 FROM "ce_calendar_events" e WHERE e."id" = "event_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_calendar_events" e WHERE e."id" = "event_id"));
CREATE POLICY "system_role" ON "ce_calendar_event_conflicts" TO calsync_system USING (true) WITH CHECK (true);
