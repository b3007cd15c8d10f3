-- DropIndex
DROP INDEX "ce_calendar_events_connection_id_external_calendar_id_pending_deletion_at_idx";

-- CreateIndex
CREATE INDEX "ce_calendar_events_connection_id_pending_deletion_at_idx" ON "ce_calendar_events"("connection_id", "pending_deletion_at");

-- CreateIndex
CREATE INDEX "ce_calendar_events_connection_id_event_kind_status_idx" ON "ce_calendar_events"("connection_id", "event_kind", "status");
