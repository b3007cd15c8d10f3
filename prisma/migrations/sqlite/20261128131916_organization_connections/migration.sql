-- CreateTable
CREATE TABLE "ce_organization_connections" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "google_domain" TEXT,
    "google_admin_email" TEXT,
    "service_account_email" TEXT,
    "service_account_key_credential_id" TEXT,
    "microsoft_tenant_id" TEXT,
    "app_client_id" TEXT,
    "app_client_secret_credential_id" TEXT,
    "consented_at" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'active',
    "status_reason" TEXT,
    "status_changed_at" DATETIME,
    "created_by" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ce_organization_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ce_calendar_connections" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "external_account_email" TEXT NOT NULL,
    "external_account_id" TEXT,
    "live_account_key" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "last_sync_at" DATETIME,
    "last_sync_outcome" TEXT,
    "last_error_code" TEXT,
    "last_error_at" DATETIME,
    "oauth_client_id" TEXT,
    "scopes" TEXT,
    "access_token_credential_id" TEXT,
    "refresh_token_credential_id" TEXT,
    "token_expires_at" DATETIME,
    "access_token_encrypted" TEXT,
    "refresh_token_encrypted" TEXT,
    "migration_required" BOOLEAN NOT NULL DEFAULT false,
    "migrated_at" DATETIME,
    "migration_error" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnected_at" DATETIME,
    "organization_connection_id" TEXT,
    CONSTRAINT "ce_calendar_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ce_calendar_connections_oauth_client_id_fkey" FOREIGN KEY ("oauth_client_id") REFERENCES "ce_oauth_clients" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ce_calendar_connections_organization_connection_id_fkey" FOREIGN KEY ("organization_connection_id") REFERENCES "ce_organization_connections" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ce_calendar_connections" ("access_token_credential_id", "access_token_encrypted", "created_at", "disconnected_at", "external_account_email", "external_account_id", "id", "last_error_at", "last_error_code", "last_sync_at", "last_sync_outcome", "live_account_key", "migrated_at", "migration_error", "migration_required", "oauth_client_id", "organization_id", "provider", "refresh_token_credential_id", "refresh_token_encrypted", "scopes", "status", "token_expires_at", "updated_at", "user_id") SELECT "access_token_credential_id", "access_token_encrypted", "created_at", "disconnected_at", "external_account_email", "external_account_id", "id", "last_error_at", "last_error_code", "last_sync_at", "last_sync_outcome", "live_account_key", "migrated_at", "migration_error", "migration_required", "oauth_client_id", "organization_id", "provider", "refresh_token_credential_id", "refresh_token_encrypted", "scopes", "status", "token_expires_at", "updated_at", "user_id" FROM "ce_calendar_connections";
DROP TABLE "ce_calendar_connections";
ALTER TABLE "new_ce_calendar_connections" RENAME TO "ce_calendar_connections";
CREATE UNIQUE INDEX "ce_calendar_connections_live_account_key_key" ON "ce_calendar_connections"("live_account_key");
CREATE INDEX "ce_calendar_connections_organization_id_provider_external_account_email_idx" ON "ce_calendar_connections"("organization_id", "provider", "external_account_email");
CREATE INDEX "ce_calendar_connections_organization_id_user_id_idx" ON "ce_calendar_connections"("organization_id", "user_id");
CREATE INDEX "ce_calendar_connections_migration_required_idx" ON "ce_calendar_connections"("migration_required");
CREATE INDEX "ce_calendar_connections_status_disconnected_at_idx" ON "ce_calendar_connections"("status", "disconnected_at");
CREATE INDEX "ce_calendar_connections_organization_connection_id_idx" ON "ce_calendar_connections"("organization_connection_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ce_organization_connections_organization_id_provider_key" ON "ce_organization_connections"("organization_id", "provider");
