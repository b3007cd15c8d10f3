-- AlterTable
ALTER TABLE "ce_calendar_connection_calendars" ADD COLUMN     "deletion_hold_at" TIMESTAMP(3),
ADD COLUMN     "deletion_hold_reason" TEXT,
ADD COLUMN     "deletion_hold_stored" INTEGER,
ADD COLUMN     "last_reconciled_at" TIMESTAMP(3),
ADD COLUMN     "removed_at" TIMESTAMP(3),
ADD COLUMN     "removed_reason" TEXT,
ADD COLUMN     "sync_error_at" TIMESTAMP(3),
ADD COLUMN     "sync_error_code" TEXT;

-- AlterTable
ALTER TABLE "ce_calendar_events" ADD COLUMN     "event_type" TEXT,
ADD COLUMN     "pending_deletion_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "pf_provider_budget_buckets" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at_ms" DOUBLE PRECISION NOT NULL,
    "blocked_until_ms" DOUBLE PRECISION,
    "blocked_reason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "pf_provider_budget_buckets_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "pf_provider_budget_slots" (
    "key" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "holder" TEXT,
    "expires_at_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "pf_provider_budget_slots_pkey" PRIMARY KEY ("key","slot")
);

-- CreateIndex
CREATE INDEX "ce_calendar_events_connection_id_external_calendar_id_pendi_idx" ON "ce_calendar_events"("connection_id", "external_calendar_id", "pending_deletion_at");
