-- AlterTable
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "deletion_hold_at" DATETIME;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "deletion_hold_reason" TEXT;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "deletion_hold_stored" INTEGER;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "last_reconciled_at" DATETIME;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "removed_at" DATETIME;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "removed_reason" TEXT;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "sync_error_at" DATETIME;
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN "sync_error_code" TEXT;

-- AlterTable
ALTER TABLE "ce_calendar_events" ADD COLUMN "event_type" TEXT;
ALTER TABLE "ce_calendar_events" ADD COLUMN "pending_deletion_at" DATETIME;

-- CreateTable
CREATE TABLE "pf_provider_budget_buckets" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tokens" REAL NOT NULL,
    "updated_at_ms" REAL NOT NULL,
    "blocked_until_ms" REAL,
    "blocked_reason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "pf_provider_budget_slots" (
    "key" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "holder" TEXT,
    "expires_at_ms" REAL NOT NULL DEFAULT 0,

    PRIMARY KEY ("key", "slot")
);

-- CreateIndex
CREATE INDEX "ce_calendar_events_connection_id_external_calendar_id_pending_deletion_at_idx" ON "ce_calendar_events"("connection_id", "external_calendar_id", "pending_deletion_at");
