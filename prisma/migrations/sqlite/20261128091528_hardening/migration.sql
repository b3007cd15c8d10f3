-- DropIndex
DROP INDEX "ce_calendar_connections_organization_id_provider_external_account_email_key";

-- AlterTable
ALTER TABLE "ce_calendar_connections" ADD COLUMN "external_account_id" TEXT;
ALTER TABLE "ce_calendar_connections" ADD COLUMN "live_account_key" TEXT;

-- AlterTable
ALTER TABLE "ce_calendar_push_channels" ADD COLUMN "last_message_number" INTEGER;

-- CreateTable
CREATE TABLE "ce_idempotency_keys" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "api_rate_limits" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ce_calendar_events" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "external_calendar_id" TEXT NOT NULL,
    "external_event_id" TEXT NOT NULL,
    "ical_uid" TEXT,
    "etag" TEXT,
    "content_hash" TEXT NOT NULL,
    "sync_direction" TEXT NOT NULL,
    "activity_id" TEXT,
    "request_id" TEXT,
    "status" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "location" TEXT,
    "start_at" DATETIME NOT NULL,
    "end_at" DATETIME NOT NULL,
    "all_day" BOOLEAN NOT NULL DEFAULT false,
    "start_date" TEXT,
    "end_date" TEXT,
    "time_zone" TEXT,
    "event_kind" TEXT NOT NULL DEFAULT 'single',
    "recurrence" TEXT,
    "series_master_external_id" TEXT,
    "original_start_at" DATETIME,
    "organizer_email" TEXT,
    "organizer_name" TEXT,
    "attendees" TEXT,
    "external_updated_at" DATETIME,
    "last_synced_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "is_private" BOOLEAN NOT NULL DEFAULT false,
    "show_as" TEXT NOT NULL DEFAULT 'busy',
    CONSTRAINT "ce_calendar_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ce_calendar_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "ce_calendar_connections" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ce_calendar_events_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "ce_activities" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ce_calendar_events" ("activity_id", "all_day", "attendees", "connection_id", "content_hash", "created_at", "description", "end_at", "end_date", "etag", "event_kind", "external_calendar_id", "external_event_id", "external_updated_at", "ical_uid", "id", "last_synced_at", "location", "organization_id", "organizer_email", "organizer_name", "original_start_at", "recurrence", "request_id", "series_master_external_id", "start_at", "start_date", "status", "sync_direction", "time_zone", "title", "updated_at") SELECT "activity_id", "all_day", "attendees", "connection_id", "content_hash", "created_at", "description", "end_at", "end_date", "etag", "event_kind", "external_calendar_id", "external_event_id", "external_updated_at", "ical_uid", "id", "last_synced_at", "location", "organization_id", "organizer_email", "organizer_name", "original_start_at", "recurrence", "request_id", "series_master_external_id", "start_at", "start_date", "status", "sync_direction", "time_zone", "title", "updated_at" FROM "ce_calendar_events";
DROP TABLE "ce_calendar_events";
ALTER TABLE "new_ce_calendar_events" RENAME TO "ce_calendar_events";
CREATE UNIQUE INDEX "ce_calendar_events_activity_id_key" ON "ce_calendar_events"("activity_id");
CREATE INDEX "ce_calendar_events_organization_id_start_at_idx" ON "ce_calendar_events"("organization_id", "start_at");
CREATE INDEX "ce_calendar_events_connection_id_start_at_idx" ON "ce_calendar_events"("connection_id", "start_at");
CREATE UNIQUE INDEX "ce_calendar_events_connection_id_external_calendar_id_external_event_id_key" ON "ce_calendar_events"("connection_id", "external_calendar_id", "external_event_id");
CREATE UNIQUE INDEX "ce_calendar_events_connection_id_request_id_key" ON "ce_calendar_events"("connection_id", "request_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ce_idempotency_keys_created_at_idx" ON "ce_idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ce_idempotency_keys_organization_id_user_id_scope_key_key" ON "ce_idempotency_keys"("organization_id", "user_id", "scope", "key");

-- CreateIndex
CREATE INDEX "api_rate_limits_expire_idx" ON "api_rate_limits"("expire");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_connections_live_account_key_key" ON "ce_calendar_connections"("live_account_key");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_organization_id_provider_external_account_email_idx" ON "ce_calendar_connections"("organization_id", "provider", "external_account_email");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_status_disconnected_at_idx" ON "ce_calendar_connections"("status", "disconnected_at");

-- CreateIndex
CREATE INDEX "ce_calendar_feeds_revoked_at_idx" ON "ce_calendar_feeds"("revoked_at");
