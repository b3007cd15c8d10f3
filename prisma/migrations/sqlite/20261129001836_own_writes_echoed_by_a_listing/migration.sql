-- AlterTable
ALTER TABLE "ce_calendar_events" ADD COLUMN "echoed_at" DATETIME;
