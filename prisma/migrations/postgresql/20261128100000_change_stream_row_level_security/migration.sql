-- Row-level security for the tables of the change stream (20261128075255_crm_change_stream), which was made
-- before the role-based policies of 20261128091529_hardening_row_level_security: the same two policies.
-- (No apostrophes or semicolons in these comments: the migration engine splits scripts on them.)

ALTER TABLE "ce_outbox_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_outbox_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_outbox_events" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_outbox_events" TO calsync_system USING (true) WITH CHECK (true);

ALTER TABLE "ce_webhook_endpoints" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_webhook_endpoints" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_webhook_endpoints" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_webhook_endpoints" TO calsync_system USING (true) WITH CHECK (true);

ALTER TABLE "ce_follow_up_tasks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_follow_up_tasks" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_follow_up_tasks" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_follow_up_tasks" TO calsync_system USING (true) WITH CHECK (true);

-- Deliveries hang from their endpoint: visible exactly when it is.
ALTER TABLE "ce_webhook_deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_webhook_deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_webhook_deliveries" TO calsync_app
  USING (EXISTS (SELECT 1 FROM "ce_webhook_endpoints" w WHERE w."id" = "endpoint_id"))
  WITH CHECK (EXISTS (SELECT 1 FROM "ce_webhook_endpoints" w WHERE w."id" = "endpoint_id"));
CREATE POLICY "system_role" ON "ce_webhook_deliveries" TO calsync_system USING (true) WITH CHECK (true);

-- The change stream numbers its rows from a sequence: both roles write to it.
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO calsync_app, calsync_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO calsync_app, calsync_system;
