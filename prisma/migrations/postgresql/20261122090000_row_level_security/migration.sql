-- Row-level security: tenant isolation by organization_id (PostgreSQL only, SQLite has no RLS).
--
-- A row of these tables is visible (and writable) in a transaction only when
--   * the transaction declared the callers organization: set_config(app.organization_id, <org>, true)
--     with app.scope not system -> only that organizations rows (API request handlers,
--     db/tenant-scope.ts withTenantScope), or
--   * the session or transaction declared system scope: app.scope = system -> every row. The worker and
--     background jobs legitimately work across organizations by connection id (sync, token refresh,
--     webhooks, the vault migration), the connection pool of the service declares it at connect time
--     (db/postgres-adapter.ts), and tenant-scoped transactions switch it off for themselves.
-- Without either (another role, an ad-hoc session, a reporting tool) a query returns no rows at all.
-- FORCE makes the policies apply to the owner of the tables too. Superusers and BYPASSRLS roles are never subject
-- to RLS: run the service as an ordinary role for these policies to bind (prisma/README.md).

ALTER TABLE "ce_calendar_connections" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_connections" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_connections"
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_scope" ON "ce_calendar_connections"
  USING (current_setting('app.scope', true) = 'system')
  WITH CHECK (current_setting('app.scope', true) = 'system');

ALTER TABLE "ce_calendar_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_calendar_events"
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_scope" ON "ce_calendar_events"
  USING (current_setting('app.scope', true) = 'system')
  WITH CHECK (current_setting('app.scope', true) = 'system');

ALTER TABLE "ce_activities" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_activities" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_activities"
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_scope" ON "ce_activities"
  USING (current_setting('app.scope', true) = 'system')
  WITH CHECK (current_setting('app.scope', true) = 'system');

-- Push channels carry no organization_id: a channel is visible exactly when its connection is (the
-- subquery is itself filtered by the policies of the connections).
ALTER TABLE "ce_calendar_push_channels" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_calendar_push_channels" FORCE ROW LEVEL SECURITY;
CREATE POLICY "via_connection" ON "ce_calendar_push_channels"
  USING (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_calendar_connections" c WHERE c."id" = "connection_id"));
