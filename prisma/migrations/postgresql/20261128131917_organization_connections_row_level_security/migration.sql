-- Row-level security for the organization connections (20261128131916_organization_connections): the same
-- two policies as every other table that carries an organization.
-- (No apostrophes or semicolons in these comments: the migration engine splits scripts on them.)

ALTER TABLE "ce_organization_connections" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ce_organization_connections" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ce_organization_connections" TO calsync_app
  USING ("organization_id" = current_setting('app.organization_id', true))
  WITH CHECK ("organization_id" = current_setting('app.organization_id', true));
CREATE POLICY "system_role" ON "ce_organization_connections" TO calsync_system USING (true) WITH CHECK (true);
